"""Named files inside the encrypted stream of a backup (a minimal streaming archive).

Plaintext layout: for each file ``b"F" | name length (2 bytes) | name (UTF-8)``, then
its data as ``length (4 bytes) | bytes`` frames, ended by an empty frame; ``b"E"``
ends the archive. Files are streamed in both directions, so a database dump goes from
``pg_dump`` into the encrypted file (and back into ``pg_restore``) without ever
being written to disk in clear.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cop.privacy.backups.crypto import BackupDamagedError, EncryptedWriter

_NAME = struct.Struct(">H")
_FRAME = struct.Struct(">I")
READ_SIZE = 1 << 20


class ArchiveWriter:
    """Write named files into an :class:`EncryptedWriter`."""

    def __init__(self, stream: EncryptedWriter) -> None:
        self._stream = stream

    def add(self, name: str, source: IO[bytes] | Iterable[bytes]) -> int:
        """Add the file ``name`` with the data of ``source``; return its size."""
        encoded = name.encode("utf-8")
        self._stream.write(b"F" + _NAME.pack(len(encoded)) + encoded)
        size = 0
        pieces: Iterable[bytes] = (
            iter(lambda: source.read(READ_SIZE), b"")
            if hasattr(source, "read")
            else source
        )
        for piece in pieces:
            if piece:
                self._stream.write(_FRAME.pack(len(piece)) + piece)
                size += len(piece)
        self._stream.write(_FRAME.pack(0))
        return size

    def close(self) -> None:
        self._stream.write(b"E")
        self._stream.close()


class _Plaintext:
    """Read exact byte counts from an iterator of chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._chunks, None)
            if piece is None:
                raise BackupDamagedError("The backup archive ends too early.")
            self._buffer.extend(piece)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def at_end(self) -> bool:
        if self._buffer:
            return False
        for piece in self._chunks:
            if piece:
                self._buffer.extend(piece)
                return False
        return True


def members(chunks: Iterator[bytes]) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Yield ``(name, data pieces)`` per file; consume each file's pieces in turn."""
    plain = _Plaintext(chunks)
    while True:
        kind = plain.read(1)
        if kind == b"E":
            if not plain.at_end():
                raise BackupDamagedError("The backup archive has data after its end.")
            return
        if kind != b"F":
            raise BackupDamagedError("The backup archive is damaged.")
        (length,) = _NAME.unpack(plain.read(_NAME.size))
        try:
            name = plain.read(length).decode("utf-8")
        except UnicodeDecodeError as error:
            raise BackupDamagedError("The backup archive is damaged.") from error
        data = _pieces(plain)
        yield name, data
        for _rest in data:  # a consumer that stopped early skips the rest
            pass


def _pieces(plain: Any) -> Iterator[bytes]:
    while True:
        (length,) = _FRAME.unpack(plain.read(_FRAME.size))
        if length == 0:
            return
        yield plain.read(length)
