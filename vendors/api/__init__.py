"""The read-only public JSON API (``/api/v1/``): published data only."""
