"""Settings: ``base`` defines everything; ``dev``, ``prod`` and ``test`` are thin overlays."""
