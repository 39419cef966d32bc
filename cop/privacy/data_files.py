"""Reading the reference-data files shipped in ``cop/privacy/data/``.

The files are copies of the working group's shared domain data; cop never reads
the shared folder at run time.
"""

from __future__ import annotations

import functools
import hashlib
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


#: cop's own list of "at a glance" questions (not part of the shared reference data).
AT_A_GLANCE_FILE = "at_a_glance.yaml"


@dataclass(frozen=True)
class GlanceQuestion:
    """One "at a glance" question and the criteria that answer it, preferred first."""

    key: str
    question: str
    criteria: tuple[str, ...]
    show: int | None = None


@functools.lru_cache(maxsize=1)
def at_a_glance_read(*, data_dir: Path | None = None) -> tuple[GlanceQuestion, ...]:
    """Return the "at a glance" questions of ``at_a_glance.yaml`` (read once per process).

    Raises ``ValueError`` naming the problem when the file is malformed, so that a
    bad edit fails the tests and the system check rather than a page.
    """
    path = (data_dir or DATA_DIR) / AT_A_GLANCE_FILE
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    questions = []
    for n, entry in enumerate((document or {}).get("questions") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("key"):
            raise ValueError(f"{AT_A_GLANCE_FILE}: question {n} needs a key")
        codes = entry.get("criteria") or []
        if not entry.get("question") or not codes:
            raise ValueError(
                f"{AT_A_GLANCE_FILE}: {entry['key']} needs a question and criteria"
            )
        show = entry.get("show")
        questions.append(
            GlanceQuestion(
                key=str(entry["key"]),
                question=str(entry["question"]),
                criteria=tuple(str(c) for c in codes),
                show=int(show) if show else None,
            )
        )
    return tuple(questions)


def at_a_glance_fingerprint() -> str:
    """Return a short hash of the questions (part of cache keys of pages showing them)."""
    raw = repr(at_a_glance_read()).encode()
    return hashlib.sha256(raw).hexdigest()[:12]
