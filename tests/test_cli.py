"""The `roughcut` command as a user meets it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from roughcut._cli import main


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "ingest", "init", "cache"):
        assert command in result.output


def test_ingest_lists_grid_takes(media_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "grid").symlink_to(media_dir / "grid")
    result = CliRunner().invoke(main, ["--quiet", "ingest", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "11 takes" in result.output
    assert result.output.count(".mpg") == 11
    assert "25" in result.output and "360x288" in result.output


def test_ingest_reports_a_bad_file_on_one_line(media_dir: Path, tmp_path: Path) -> None:
    shutil.copy(media_dir / "grid" / "bbaf2n.mpg", tmp_path / "good.mpg")
    (tmp_path / "bad.mov").write_bytes(b"\x00" * 1000)
    result = CliRunner().invoke(main, ["--quiet", "ingest", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0
    error_lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "bad.mov" in error_lines[0]
    assert "1 takes" in result.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_cache_info_and_clear(tmp_path: Path) -> None:
    from roughcut.store import Store

    store_path = tmp_path / "s.sqlite"
    Store(store_path).put("f", "vision", 1, None, 1)
    runner = CliRunner()
    info = runner.invoke(main, ["cache", "info", "--store", str(store_path)])
    assert info.exit_code == 0 and "vision: 1" in info.output
    cleared = runner.invoke(main, ["cache", "clear", "--store", str(store_path)])
    assert "removed 1" in cleared.output


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("roughcut")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "roughcut._cli"]
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    assert "roughcut" in done.stdout
