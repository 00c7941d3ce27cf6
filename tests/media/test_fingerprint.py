from __future__ import annotations

import shutil
from pathlib import Path

from roughcut.media import fingerprint


def test_same_after_rename_and_move(media_dir: Path, tmp_path: Path) -> None:
    source = media_dir / "video" / "testvideo.mp4"
    moved = tmp_path / "elsewhere" / "A001C003.mp4"
    moved.parent.mkdir()
    shutil.copy(source, moved)
    assert fingerprint(source) == fingerprint(moved)


def test_differs_between_files_and_after_an_edit(media_dir: Path, tmp_path: Path) -> None:
    grid = sorted((media_dir / "grid").glob("*.mpg"))
    prints = {fingerprint(p) for p in grid}
    assert len(prints) == len(grid)
    copy = tmp_path / "edited.mpg"
    data = bytearray(grid[0].read_bytes())
    data[100] ^= 0xFF
    copy.write_bytes(bytes(data))
    assert fingerprint(copy) != fingerprint(grid[0])


def test_small_file_hashed_whole(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"x" * 1000)
    b.write_bytes(b"x" * 999 + b"y")
    assert fingerprint(a) != fingerprint(b)
