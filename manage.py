#!/usr/bin/env python
"""Django's command-line utility for cop."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")
    from cop.settings.config import ConfigurationError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigurationError as exc:
        # One clear sentence instead of a traceback wall.
        sys.stderr.write(f"cop: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
