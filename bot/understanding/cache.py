"""The built reader kept on disk between starts: building its tables takes most of a start, loading them a blink.

The file's name is a fingerprint of everything the tables are built from (the data files, the source of the
matchers and the reader, Python and the libraries), so any change builds anew. A cache that cannot be read or
written is skipped: the reader is then built as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
LIBRARIES = ("rapidfuzz", "snowballstemmer")


def cache_dir() -> Path:
    """``$SAMENBOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/samenbot`` (``~/.cache/samenbot``)."""
    if os.environ.get("SAMENBOT_CACHE_DIR"):
        return Path(os.environ["SAMENBOT_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "samenbot"


def fingerprint(sources: Iterable[Path]) -> str:
    """A short hash of the files' names and contents, Python's version and the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for library in LIBRARIES:
        digest.update(metadata.version(library).encode())
    for path in sorted(sources):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def load_or_build(name: str, sources: Iterable[Path], build: Callable[[], T]) -> T:
    """The object pickled for these sources, or `build()` (pickled for next time)."""
    directory = cache_dir()
    path = directory / f"{name}-{fingerprint(sources)}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError) as error:
        log.info("cache %s not read (%s): building it", path.name, type(error).__name__)
    built = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)  # atomic: another process reads the whole file or none
        for old in directory.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.info("cache %s not written (%s)", path.name, type(error).__name__)
    return built
