"""``roughcut sync``, ``roughcut clean`` and ``roughcut loudness`` on real recordings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from roughcut._cli import main
from roughcut.audio.loudness import measure_loudness


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-q", *args])
    return result.exit_code, result.output


@pytest.fixture
def jfk(tmp_path: Path, media_dir: Path) -> Path:
    target = tmp_path / "jfk.flac"
    target.write_bytes((media_dir / "speech" / "jfk.flac").read_bytes())
    return target


def test_clean_writes_beside_and_never_overwrites(jfk: Path) -> None:
    code, output = _run("clean", str(jfk), "--preset", "ebu-r128")
    assert code == 0, output
    written = jfk.with_name("jfk.clean.wav")
    assert written.exists() and "hum: 60 Hz" in output
    samples, rate = soundfile.read(written, dtype="float32")
    assert rate == 44100 and samples.ndim == 1
    assert abs(measure_loudness(samples, rate).integrated_lufs - -23.0) <= 0.5
    before = written.read_bytes()
    code, output = _run("clean", str(jfk))
    assert code == 1 and "already exists" in output
    assert written.read_bytes() == before
    code, output = _run("clean", str(jfk), "--out", str(jfk))
    assert code == 1 and "input file" in output
    code, _ = _run("clean", str(jfk), "--force", "--denoise", "gate", "--declick", "--high-pass", "60")
    assert code == 0 and written.read_bytes() != before


def test_clean_and_normalise_keep_a_field_recordings_timecode(jfk: Path) -> None:
    """A Broadcast WAVE's time reference (its timecode in an editing system) survives both."""
    from fractions import Fraction

    from roughcut.audio.files import write_audio
    from roughcut.media import probe, read_audio

    started = Fraction(14 * 3600 + 23 * 60 + 10) + Fraction(1, 4)  # 14:23:10.25
    speech = read_audio(jfk, sample_rate=48000).samples
    field = write_audio(jfk.with_name("rec_014.wav"), speech, 48000, time_of_day_s=started)
    assert probe(field).time_of_day_s == started
    assert np.abs(read_audio(field, sample_rate=None).samples - speech).max() < 1e-6  # 24-bit PCM
    assert _run("clean", str(field))[0] == 0
    assert _run("loudness", str(field), "--preset", "ebu-r128")[0] == 0
    for made in ("rec_014.clean.wav", "rec_014.ebu-r128.wav"):
        assert probe(jfk.with_name(made)).time_of_day_s == started, made
    # A file without one gets none.
    assert _run("clean", str(jfk))[0] == 0
    assert probe(jfk).time_of_day_s is None and probe(jfk.with_name("jfk.clean.wav")).time_of_day_s is None


def test_loudness_report_and_normalise(jfk: Path) -> None:
    code, output = _run("loudness", str(jfk), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["integrated_lufs"] == pytest.approx(-12.5, abs=0.2)  # stereo: both channels count
    code, output = _run("loudness", str(jfk), "--preset", "streaming-dialogue")
    assert code == 0 and "streaming-dialogue" in output
    written = jfk.with_name("jfk.streaming-dialogue.wav")
    code, output = _run("loudness", str(written), "--json")
    assert abs(json.loads(output)["dialogue_lufs"] - -27.0) <= 0.5
    code, output = _run("loudness", str(jfk), "--channel", "3")
    assert code == 1 and "no channel 3" in output


def test_sync_recordings_against_the_first(media_dir: Path) -> None:
    folder = media_dir / "sync"
    code, output = _run("sync", str(folder / "timbl_1.mp3"), str(folder / "timbl_2.mp3"), "--json")
    assert code == 0, output
    (row,) = json.loads(output)
    assert abs(row["offset_s"] - 12.254) <= 0.001
    assert row["sound_rate"] == 48000 and abs(row["offset_samples"] - 12.254 * 48000) <= 48


def test_sync_project_folder(tmp_path: Path, demo_project: Path, rng: np.random.Generator) -> None:
    """A field recorder that rolled 2.5 s before take A01 (44.1 kHz, its own noise) is matched with
    A01 only, not with the other takes of the same scene, which repeat its words and voices."""
    from roughcut.media import read_audio

    project = tmp_path / "scene"
    (project / "takes").mkdir(parents=True)
    for take in sorted((demo_project / "takes").glob("*.mp4")):
        (project / "takes" / take.name).symlink_to(take)
    take_sound = read_audio(demo_project / "takes" / "A01_wide.mp4", sample_rate=44100).samples
    recorder = np.concatenate([np.zeros(round(2.5 * 44100), np.float32), take_sound])
    recorder += rng.normal(0, 0.001, len(recorder)).astype(np.float32)
    (project / "sound").mkdir()
    soundfile.write(project / "sound" / "rec_001.wav", recorder, 44100, subtype="PCM_24")
    code, output = _run("sync", str(project), "--json")
    assert code == 0, output
    rows = {Path(row["take"]).name: row for row in json.loads(output)}
    assert rows["A01_wide.mp4"]["sound"].endswith("rec_001.wav")
    assert abs(rows["A01_wide.mp4"]["offset_s"] - 2.5) <= 0.001
    assert rows["A01_wide.mp4"]["offset_samples"] == pytest.approx(2.5 * 44100, abs=2)
    for other in ("B01_nora_cu.mp4", "B02_nora_cu_fast.mp4", "C01_grace_cu.mp4"):
        assert rows[other]["sound"] is None


def test_sync_needs_something_to_compare(media_dir: Path) -> None:
    code, output = _run("sync", str(media_dir / "sync" / "timbl_1.mp3"))
    assert code == 1 and "at least two recordings" in output


@pytest.mark.parametrize("jam_synced", [True, False])
def test_ingest_checks_the_timecodes_against_the_sound(
    tmp_path: Path, demo_project: Path, jam_synced: bool
) -> None:
    """A recorder rolling 2.5 s before camera A01 (timecode 01:00:00:00): jam-synced, its timecode
    agrees with the waveform's match; on a free-running clock, ingest warns and keeps the match."""
    from fractions import Fraction

    from roughcut.audio.files import write_audio
    from roughcut.media import probe, read_audio

    project = tmp_path / "scene"
    (project / "takes").mkdir(parents=True)
    (project / "takes" / "A01_wide.mp4").symlink_to(demo_project / "takes" / "A01_wide.mp4")
    camera = probe(project / "takes" / "A01_wide.mp4")
    assert camera.timecode == "01:00:00:00" and camera.timecode_s == Fraction(86400 * 1001, 24000)
    take_sound = read_audio(camera.path, sample_rate=48000).samples
    recorder = np.concatenate([np.zeros(round(2.5 * 48000), np.float32), take_sound])
    started = camera.timecode_s - Fraction(5, 2) if jam_synced else Fraction(10 * 3600)
    write_audio(project / "sound" / "rec_001.wav", recorder, 48000, time_of_day_s=started)

    code, output = _run("sync", str(project), "--json")
    assert code == 0, output
    (row,) = json.loads(output)
    assert abs(row["offset_s"] - 2.5) <= 0.001
    assert row["timecode_offset_s"] == pytest.approx(float(camera.timecode_s - started), abs=1e-9)
    code, output = _run("ingest", str(project))
    assert code == 0, output
    said = " ".join(output.split())
    assert ("timecode agrees" in said) is jam_synced
    assert ("not jam-synced" in said) is not jam_synced


def test_loudness_json_is_valid_json_for_silence_and_short_clips(tmp_path: Path) -> None:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    for name, samples in (
        ("silence.wav", np.zeros(48000)),
        ("short.wav", 0.1 * np.sin(np.arange(48000) * 0.05)),
    ):
        path = tmp_path / name
        soundfile.write(path, samples, 48000)
        code, output = _run("loudness", str(path), "--json")
        assert code == 0, output
        report = json.loads(output, parse_constant=refuse)
        assert report["integrated_lufs"] is None or isinstance(report["integrated_lufs"], float)
        assert report["loudness_range_lu"] is None  # undefined for under 3 s
    assert json.loads(_run("loudness", str(tmp_path / "silence.wav"), "--json")[1])["true_peak_dbtp"] is None


@pytest.mark.parametrize("command", ["clean", "loudness"])
def test_sound_commands_never_write_through_a_link(jfk: Path, command: str) -> None:
    """An output name that is a link (even a dangling one) is refused, with or without --force,
    and nothing appears where it points."""
    elsewhere = jfk.parent / "elsewhere"
    elsewhere.mkdir()
    outside = elsewhere / "victim.wav"
    link = jfk.with_name("out.wav")
    link.symlink_to(outside)
    extra = ["--preset", "ebu-r128"] if command == "loudness" else ["--denoise", "gate"]
    code, output = _run(command, str(jfk), *extra, "--out", str(link), "--force")
    assert code == 1 and "link" in output, output
    assert not outside.exists() and link.is_symlink()
