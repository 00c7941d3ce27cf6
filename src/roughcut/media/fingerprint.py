"""An exact content fingerprint that recognises a media file after a rename or a move.

Every byte is hashed (BLAKE2b, read in large blocks), so two files share a fingerprint only when
their contents are identical: a same-length re-export that differs anywhere gets its own. The file's
identity on disk (device, inode, size, modification and change times in ns) is only a hint: while it
is unchanged, the digest already computed in this process is reused instead of reading the file again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

#: Every fingerprint starts with this: the key format of the whole-content BLAKE2b digest. Earlier
#: fingerprints (size plus 16 sampled chunks, 32 bare hex digits) can never equal one of these.
PREFIX = "b2:"
#: Bytes per read (large reads keep the hash, not the system calls, the cost).
READ_BYTES = 8 * 1024 * 1024
DIGEST_BYTES = 20

_memo: dict[tuple[str, int, int, int, int, int], str] = {}
_memo_lock = threading.Lock()


def _identity(path: Path, status: os.stat_result) -> tuple[str, int, int, int, int, int]:
    return (
        str(path),
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


def fingerprint(path: str | Path) -> str:
    """``"b2:"`` and the hex BLAKE2b digest (20 bytes) of the file's size and every byte of it.

    Names and timestamps do not enter the digest, so a renamed or copied file keeps its
    fingerprint. A file already hashed in this process, whose device, inode, size, modification and
    change times (ns) are unchanged, is not read again. Raises ``OSError`` naming the file when it
    cannot be read, or when it changed while it was being read.
    """
    path = Path(path).resolve()
    status = path.stat()
    key = _identity(path, status)
    with _memo_lock:
        known = _memo.get(key)
    if known is not None:
        return known
    digest = hashlib.blake2b(digest_size=DIGEST_BYTES)
    digest.update(status.st_size.to_bytes(8, "little"))
    buffer = bytearray(min(READ_BYTES, max(status.st_size, 1)))
    view = memoryview(buffer)
    read = 0
    with path.open("rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
            read += count
    after = path.stat()
    if read != status.st_size or _identity(path, after) != key:
        raise OSError(f"{path}: the file changed while its fingerprint was being computed")
    value = PREFIX + digest.hexdigest()
    with _memo_lock:
        _memo[key] = value
    return value


def forget_fingerprints() -> None:
    """Empty this process's memo of fingerprints (the next call reads every file again)."""
    with _memo_lock:
        _memo.clear()
