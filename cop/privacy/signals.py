"""Signals of the privacy reference data, for apps that keep derived content.

``reference_data_changed`` is sent (inside the load's transaction) when a load of
the reference-data files created, updated or retired any row; rows written in bulk
send no ``post_save``, so caches of pages built from the criteria listen to this.
"""

from django.dispatch import Signal

reference_data_changed = Signal()
