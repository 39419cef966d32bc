"""URLs of the discussions, mounted at ``/discussions/`` (namespace ``discussions``)."""

from discussions.views import (
    composer,
    composing,
    feeds,
    latest,
    moderation,
    notifications,
    preferences,
    reading,
    redflags,
    search,
    unsubscribe,
)

app_name = "discussions"

urlpatterns = [
    *feeds.urlpatterns,
    *search.urlpatterns,
    *moderation.urlpatterns,
    *notifications.urlpatterns,
    *preferences.urlpatterns,
    *unsubscribe.urlpatterns,
    *redflags.urlpatterns,
    *composing.urlpatterns,
    *composer.urlpatterns,
    *latest.urlpatterns,
    *reading.urlpatterns,
]
