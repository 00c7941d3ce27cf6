"""The store's identity of a file: exact over every byte, kept through renames, fast when unchanged."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from roughcut.media import fingerprint
from roughcut.media.fingerprint import PREFIX, forget_fingerprints


def _sampled_fingerprint(path: Path, chunk: int = 64 * 1024, chunks: int = 16) -> str:
    """The previous scheme (size plus 16 evenly spaced 64 KiB chunks), to show the test can fail."""
    size = path.stat().st_size
    digest = hashlib.blake2b(digest_size=16)
    digest.update(size.to_bytes(8, "little"))
    with path.open("rb") as handle:
        for i in range(chunks):
            handle.seek((size - chunk) * i // (chunks - 1))
            digest.update(handle.read(chunk))
    return digest.hexdigest()


def test_same_after_rename_and_move(media_dir: Path, tmp_path: Path) -> None:
    source = media_dir / "video" / "testvideo.mp4"
    moved = tmp_path / "elsewhere" / "A001C003.mp4"
    moved.parent.mkdir()
    shutil.copy(source, moved)
    assert fingerprint(source) == fingerprint(moved)
    assert fingerprint(source).startswith(PREFIX)


def test_differs_between_files_and_after_an_edit(media_dir: Path, tmp_path: Path) -> None:
    grid = sorted((media_dir / "grid").glob("*.mpg"))
    prints = {fingerprint(p) for p in grid}
    assert len(prints) == len(grid)
    copy = tmp_path / "edited.mpg"
    data = bytearray(grid[0].read_bytes())
    data[100] ^= 0xFF
    copy.write_bytes(bytes(data))
    assert fingerprint(copy) != fingerprint(grid[0])


def test_same_length_copy_differing_between_the_old_samples(media_dir: Path, tmp_path: Path) -> None:
    """A re-export of the same length with one 32 KiB block silenced where the old sampled-chunk
    fingerprint never looked: the old scheme confused the two files, this one must not."""
    source = media_dir / "video" / "testvideo.mp4"
    data = bytearray(source.read_bytes())
    size = len(data)
    chunk = 64 * 1024
    gap_start = (size - chunk) * 7 // 15 + chunk  # just after the 8th sampled chunk
    data[gap_start + 1024 : gap_start + 1024 + 32 * 1024] = bytes(32 * 1024)
    copy = tmp_path / "reexport.mp4"
    copy.write_bytes(bytes(data))
    assert copy.stat().st_size == size
    assert _sampled_fingerprint(copy) == _sampled_fingerprint(source)  # the old scheme's collision
    assert fingerprint(copy) != fingerprint(source)


def test_every_single_byte_counts(tmp_path: Path) -> None:
    a = tmp_path / "a.bin"
    a.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    reference = fingerprint(a)
    data = bytearray(a.read_bytes())
    for position in (0, 1024 * 1024 + 5, len(data) - 1):
        changed = tmp_path / f"b{position}.bin"
        edited = bytearray(data)
        edited[position] ^= 0x01
        changed.write_bytes(bytes(edited))
        assert fingerprint(changed) != reference, position


def test_unchanged_file_is_not_read_again_but_an_edit_in_place_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "take.wav"
    path.write_bytes(b"a" * 100_000)
    first = fingerprint(path)
    opened: list[Path] = []
    original_open = Path.open

    def counting_open(self: Path, *args, **kwargs):
        opened.append(self)
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    assert fingerprint(path) == first
    assert opened == []  # the memo answered
    status = path.stat()
    time.sleep(0.02)  # past the file system's timestamp tick
    with original_open(path, "r+b") as handle:  # same size, same inode, modification time put back
        handle.seek(50_000)
        handle.write(b"b")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_mtime_ns == status.st_mtime_ns
    assert fingerprint(path) != first  # the change time gives it away
    forget_fingerprints()
    assert fingerprint(path) != first


def test_small_and_empty_files(tmp_path: Path) -> None:
    a, b, empty = tmp_path / "a.bin", tmp_path / "b.bin", tmp_path / "empty.bin"
    a.write_bytes(b"x" * 1000)
    b.write_bytes(b"x" * 999 + b"y")
    empty.write_bytes(b"")
    assert len({fingerprint(a), fingerprint(b), fingerprint(empty)}) == 3


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="nowhere.mov"):
        fingerprint(tmp_path / "nowhere.mov")
