"""Authenticated encryption of backup files, streamed in chunks (AES-256-GCM).

A backup file is::

    MAGIC | header length (4 bytes) | header (JSON) | chunk | chunk | ... | final chunk

The header is public (format, engine, time of the backup; never member data) and is
bound to every chunk as associated data. Each chunk is ``length (4 bytes) |
AES-GCM ciphertext`` under a key derived (HKDF-SHA256) from the backup key and a
random per-file salt, with the chunk's index as nonce and in the associated data, and
a flag marking the last chunk: a changed, reordered, dropped or truncated chunk fails
authentication. A key check value in the header, derived from the same key and salt,
tells "wrong key" apart from "damaged file" before any chunk is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"COP-BACKUP-1\n"
# 1 MiB of plaintext per chunk: few enough chunks for a fast stream, small enough
# that reading a chunk costs little memory.
CHUNK_SIZE = 1 << 20
_MAX_HEADER = 64 * 1024
_LENGTH = struct.Struct(">I")
_TAG_BYTES = 16


class BackupError(Exception):
    """A backup could not be written or read; the message says why in one sentence."""


class BackupKeyError(BackupError):
    """The backup key is missing, malformed, or not the key of this backup."""


class BackupDamagedError(BackupError):
    """The backup file was changed, truncated or is not a backup at all."""


def key_generate() -> str:
    """Return a new random backup key (32 bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def key_decode(key: str) -> bytes:
    """Return the 32 bytes of a backup key; ``BackupKeyError`` if it is not one."""
    if not key:
        raise BackupKeyError(
            "No backup key: set COP_BACKUP_KEY (make one with "
            "`manage.py backup --generate-key`)."
        )
    try:
        raw = base64.urlsafe_b64decode(key.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupKeyError(
            "COP_BACKUP_KEY is not a backup key (32 bytes in URL-safe base64)."
        )
    return raw


def _derive(key: bytes, salt: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=salt, info=purpose
    ).derive(key)


def _aad(header_digest: bytes, index: int, final: bool) -> bytes:
    return header_digest + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + index.to_bytes(8, "big")


class EncryptedWriter:
    """A write-only stream that encrypts into ``fileobj``; call :meth:`close` last."""

    def __init__(self, fileobj: IO[bytes], *, key: bytes, header: dict[str, Any]):
        salt = os.urandom(16)
        public = {
            **header,
            "salt": base64.b64encode(salt).decode("ascii"),
            "key_check": base64.b64encode(
                _derive(key, salt, b"cop backup key check", 16)
            ).decode("ascii"),
        }
        self._header = json.dumps(public, sort_keys=True).encode("utf-8")
        self._digest = hashlib.sha256(self._header).digest()
        self._aes = AESGCM(_derive(key, salt, b"cop backup data", 32))
        self._file = fileobj
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        fileobj.write(MAGIC + _LENGTH.pack(len(self._header)) + self._header)

    def write(self, data: bytes) -> int:
        self._buffer.extend(data)
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        """Write the last chunk (flagged final); later writes are refused."""
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        if self._closed:
            raise BackupError("The backup stream is already closed.")
        sealed = self._aes.encrypt(
            _nonce(self._index), plaintext, _aad(self._digest, self._index, final)
        )
        self._file.write(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1


def _read_exact(fileobj: IO[bytes], size: int) -> bytes:
    data = fileobj.read(size)
    if len(data) != size:
        raise BackupDamagedError(
            "The backup file is truncated or damaged; nothing was restored."
        )
    return data


def header_read(fileobj: IO[bytes], *, key: bytes) -> tuple[dict[str, Any], Any]:
    """Read and check the header; return it and the state :func:`chunks` needs.

    ``BackupDamagedError`` if this is no backup file, ``BackupKeyError`` if ``key``
    is not the key it was made with.
    """
    if fileobj.read(len(MAGIC)) != MAGIC:
        raise BackupDamagedError("This file is not a cop backup (or it is damaged).")
    (length,) = _LENGTH.unpack(_read_exact(fileobj, _LENGTH.size))
    if length > _MAX_HEADER:
        raise BackupDamagedError("The backup file's header is damaged.")
    raw = _read_exact(fileobj, length)
    try:
        header = json.loads(raw)
        salt = base64.b64decode(header["salt"], validate=True)
        check = base64.b64decode(header["key_check"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise BackupDamagedError("The backup file's header is damaged.") from error
    if not hmac.compare_digest(check, _derive(key, salt, b"cop backup key check", 16)):
        raise BackupKeyError(
            "The backup key does not match the key this backup was made with."
        )
    state = (
        hashlib.sha256(raw).digest(),
        AESGCM(_derive(key, salt, b"cop backup data", 32)),
    )
    return header, state


def chunks(fileobj: IO[bytes], state: Any) -> Iterator[bytes]:
    """Yield the decrypted chunks after :func:`header_read`, each one authenticated.

    Raises ``BackupDamagedError`` at the first chunk that was changed, on a file that
    ends before its final chunk, and on data after the final chunk.
    """
    digest, aes = state
    index = 0
    while True:
        prefix = fileobj.read(_LENGTH.size)
        if len(prefix) != _LENGTH.size:
            raise BackupDamagedError(
                "The backup file is truncated or damaged; nothing was restored."
            )
        (length,) = _LENGTH.unpack(prefix)
        if length < _TAG_BYTES or length > CHUNK_SIZE + _TAG_BYTES:
            raise BackupDamagedError("The backup file is damaged.")
        sealed = _read_exact(fileobj, length)
        for final in (False, True):
            try:
                plaintext = aes.decrypt(
                    _nonce(index), sealed, _aad(digest, index, final)
                )
            except InvalidTag:
                continue
            break
        else:
            raise BackupDamagedError(
                "The backup file was changed or damaged; nothing was restored."
            )
        yield plaintext
        index += 1
        if final:
            if fileobj.read(1):
                raise BackupDamagedError(
                    "The backup file has data after its end; it was changed."
                )
            return
