"""The speech commands: align, transcribe, subtitles and subtitles check."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from roughcut._cli import main


def test_subtitles_check_lists_violations_and_fails(tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:01.200\nQuick!\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path)])
    assert result.exit_code == 1
    assert "cue 1: min duration" in result.output and "1 cue, 2 rule violations" in result.output


def test_subtitles_check_passes_a_good_file(tmp_path):
    path = tmp_path / "good.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\nHello there.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "subtitles", "check", str(path)])
    assert result.exit_code == 0 and "1 cue, 0 rule violations" in result.output


def test_transcribe_and_subtitles_of_a_file(media_dir, tmp_path):
    source = media_dir / "speech" / "librivox" / "goforward.wav"
    out = tmp_path / "goforward.vtt"
    result = CliRunner().invoke(main, ["-q", "transcribe", str(source), "--subtitles", str(out)])
    assert result.exit_code == 0, result.output
    assert "Go forward 10 meters." in result.output and "spoken language: en" in result.output
    assert "Go forward 10 meters." in out.read_text() and "0 rule violations" in result.output
    before = out.read_text()
    for command in (["transcribe", str(source), "--subtitles"], ["subtitles", str(source), "--out"]):
        result = CliRunner().invoke(main, ["-q", *command, str(out)])
        assert result.exit_code == 1 and "does not overwrite" in result.output and out.read_text() == before


def test_transcribe_words_show_confidence_per_engine(media_dir):
    source = media_dir / "speech" / "librivox" / "goforward.wav"
    for engine in ("whisper", "sphinx"):
        result = CliRunner().invoke(main, ["-q", "transcribe", str(source), "--words", "--engine", engine])
        assert result.exit_code == 0, result.output
        confidences = [float(row.split()[2]) for row in result.output.splitlines()[:4]]
        assert all(0 <= c <= 1 for c in confidences) and len(set(confidences)) > 1, result.output
    assert "cannot identify" in result.output
    result = CliRunner().invoke(
        main, ["-q", "transcribe", str(source), "--engine", "sphinx", "--language", "de"]
    )
    assert result.exit_code == 1 and "only has a US English model" in result.output


def test_models_lists_the_installed_model_with_its_hash(tmp_path):
    result = CliRunner().invoke(main, ["-q", "models", "--check", str(tmp_path)], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "whisper base (default): verified" in result.output
    assert "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57" in result.output
    assert "145,217,607 bytes" in result.output and "no model.bin" in result.output


def test_align_prints_lines_by_takes(demo_project, tmp_path):
    project = tmp_path / "scene"
    project.mkdir()
    shutil.copy(demo_project / "clean_data.fountain", project)
    (project / "takes").mkdir()
    shutil.copy(demo_project / "takes" / "B02_nora_cu_fast.mp4", project / "takes")
    (project / "takes" / "broken.mp4").write_bytes(b"not a video")
    result = CliRunner().invoke(main, ["-q", "align", str(project), "--workers", "1"], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "1.8" in result.output and "GRACE" in result.output and "25.8" in result.output
    assert "broken.mp4" in result.output  # the bad take is reported, the rest goes on
    # Subtitles of the project come from the cached alignment, one file per take.
    result = CliRunner().invoke(
        main, ["-q", "subtitles", str(project), "--format", "vtt"], terminal_width=160
    )
    assert result.exit_code == 0, result.output
    written = project / "roughcut_out" / "subtitles" / "B02_nora_cu_fast.vtt"
    assert "I was never going anywhere." in written.read_text()


def test_align_without_a_script_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["-q", "align", str(tmp_path)])
    assert result.exit_code == 1 and "no screenplay" in " ".join(result.output.split())
