"""URLs of the benchmark server: the real site plus a hello-world behind all of cop's middleware.

Only :mod:`tests.bench.settings` uses this module; ``cop.urls`` never serves
``/bench/hello/``.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cop.urls import urlpatterns as site_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """Answer "hello world": the cost of the middleware stack and nothing else."""
    return HttpResponse("hello world", content_type="text/plain")


# Reported next to the bare baseline (tests.bench.bare_settings) as the cost of
# cop's middleware alone. First, so that Wagtail's catch-all at the end of the site's URLs never sees it.
urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *site_urlpatterns]
