"""Reading the reference-data files shipped in ``cop/privacy/data/``.

The files are copies of the working group's shared domain data; cop never reads
the shared folder at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("frameworks.yaml", "sources.yaml", "criteria.yaml", "red_flags.yaml")
# libyaml's safe loader parses the same documents ten times faster than pure Python.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ReferenceFiles:
    """The reference-data files of one folder: parsed documents and raw texts."""

    documents: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def reference_data_read(*, data_dir: Path | None = None) -> ReferenceFiles:
    """Read and parse the four YAML files of ``data_dir`` (the shipped copy by default).

    A file that is missing or does not parse is recorded as a problem and its
    document is ``None``; nothing is raised.
    """
    folder = data_dir or DATA_DIR
    files = ReferenceFiles()
    for name in FILES:
        path = folder / name
        try:
            text = path.read_text(encoding="utf-8")
            files.texts[name] = text
            files.documents[name] = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            files.problems.append(f"{name}: does not load: {exc}")
            files.documents[name] = None
    return files
