"""``roughcut summary``: the keyframes of a real clip and a reel of the demo, from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from roughcut._cli import main


def test_keyframes_command(media_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    clip = media_dir / "faces" / "hamilton_clip.mp4"
    result = CliRunner().invoke(main, ["-q", "summary", "keyframes", str(clip), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 keyframes in 4 shots" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "hamilton_clip_keyframes.otio",
        "hamilton_clip_storyboard.png",
    ]
    bad = tmp_path / "not_a_video.mp4"
    bad.write_bytes(b"no video here")
    result = CliRunner().invoke(main, ["-q", "summary", "keyframes", str(bad), "--out", str(out)])
    assert result.exit_code == 1 and "not_a_video.mp4" in result.output


def test_reel_command(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "reel"
    args = [
        "-q",
        "summary",
        "reel",
        str(demo_project),
        "--length",
        "10",
        "--format",
        "otio",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "(asked 240 frames)" in result.output and "scene 1: 240 frames" in result.output
    assert (out / "scene_1_summary.otio").is_file()


def test_trailer_and_sheets_commands(demo_project: Path, demo_cache: Path, tmp_path: Path) -> None:
    from roughcut._cli.summary import EXPORTS
    from roughcut.export import FORMATS

    assert EXPORTS == FORMATS
    out = tmp_path / "out"
    args = [
        "-q",
        "summary",
        "trailer",
        str(demo_project),
        "--length",
        "12",
        "--no-preview",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        "trailer: " in result.output and (out / "trailer.html").is_file() and (out / "trailer.otio").is_file()
    )
    assert not (out / "trailer.mp4").exists()
    args = ["-q", "summary", "sheets", str(demo_project), "--no-speech", "--every", "20", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "(4 pages)" in result.output and (out / "dailies.pdf").is_file()
