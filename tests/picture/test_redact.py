"""Faces hidden by identity, measured on ``faces/hamilton_clip.mp4`` (see faces/TRUTH.md).

The person to hide is lin_manuel_miranda, chosen by his photograph in ``faces/identities``. The
truth is ``data/hamilton_lin_faces.csv``: his face box on every frame where a detector the
redaction does not use (OpenCV's Haar cascade) found it, each row checked by eye. Measured: the
share of those frames whose box is hidden (at least 90 % of it inside the hidden region, and the
picture there really blurred), that the other people (alex_lacamoire, the audience with obama) are
untouched within the codec's noise, and that the sound's packets are copied byte for byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

TAKE = "faces/hamilton_clip.mp4"
PHOTO = "faces/identities/lin_manuel_miranda"
TRUTH = Path(__file__).parent / "data" / "hamilton_lin_faces.csv"
#: Frames where TRUTH.md shows only other people: alex_lacamoire's close-up and the audience.
OTHERS = (range(20, 82), range(211, 275))


def _truth() -> list[tuple[int, int, int, int, int]]:
    with TRUTH.open() as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(int(r["frame"]), int(r["x"]), int(r["y"]), int(r["width"]), int(r["height"])) for r in rows]


def _frames(path: Path) -> list[np.ndarray]:
    from roughcut.media.frames import read_frames

    return [f.image for f in read_frames(path)]


def _sound_packets(path: Path) -> tuple[list[bytes], list[float]]:
    """The sound stream's packets (bytes) and their times (seconds from the first picture)."""
    with av.open(str(path)) as container:
        video, sound = container.streams.video[0], container.streams.audio[0]
        start = float(video.start_time * video.time_base) if video.start_time is not None else 0.0
        packets = [p for p in container.demux(sound) if p.size]
        return [bytes(p) for p in packets], [float(p.pts * p.time_base) - start for p in packets]


@pytest.fixture(scope="module")
def redacted(media_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from roughcut.picture.redact import redact_take
    from roughcut.store import Store

    folder = tmp_path_factory.mktemp("redact")
    photos = sorted((media_dir / PHOTO).iterdir())
    store = Store(folder / "store.sqlite")
    report = redact_take(media_dir / TAKE, folder / "hidden.mp4", like=photos, style="blur", store=store)
    store.close()
    return report, folder


def test_the_chosen_person_is_hidden_in_99_percent_of_frames(media_dir: Path, redacted) -> None:
    from roughcut.picture.redact import region_mask

    report, _ = redacted
    original, hidden = _frames(media_dir / TAKE), _frames(report.path)
    assert len(hidden) == len(original)
    covered, blurred, truth = 0, 0, _truth()
    size = (original[0].shape[1], original[0].shape[0])
    for frame, x, y, w, h in truth:
        mask = region_mask(report.regions, frame, size)
        covered += mask[y : y + h, x : x + w].mean() >= 0.9
        # The picture itself: the face's fine detail (variance of the Laplacian) mostly gone, on the
        # face's pixels inside the hidden region (away from the region's own edge).
        inner = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8))[y : y + h, x : x + w] > 0
        detail = [
            cv2.Laplacian(cv2.cvtColor(f[frame], cv2.COLOR_RGB2GRAY), cv2.CV_32F)[y : y + h, x : x + w][
                inner
            ].var()
            for f in (original, hidden)
        ]
        blurred += detail[1] <= 0.1 * detail[0]
    print(
        f"{report.persons} at distance {report.distances}; hidden in {covered} of {len(truth)} truth frames, "
        f"blurred in {blurred}; {report.frames_redacted} frames redacted, {report.refined} boxes from YuNet"
    )
    assert len(truth) >= 80
    assert covered >= 0.99 * len(truth)
    assert blurred >= 0.99 * len(truth)


def test_nobody_else_is_touched(media_dir: Path, redacted) -> None:
    from roughcut.picture.redact import region_mask

    report, _ = redacted
    original, hidden = _frames(media_dir / TAKE), _frames(report.path)
    size = (original[0].shape[1], original[0].shape[0])
    others = [frame for span in OTHERS for frame in span]
    assert not any(report.regions.get(frame) for frame in others)
    worst_psnr, worst_mean = np.inf, 0.0
    for frame, (a, b) in enumerate(zip(original, hidden, strict=True)):
        hidden_here = cv2.dilate(
            region_mask(report.regions, frame, size).astype(np.uint8), np.ones((9, 9), np.uint8)
        )
        outside = hidden_here == 0
        difference = np.abs(a.astype(np.float32) - b)[outside]
        worst_mean = max(worst_mean, float(difference.mean()))
        worst_psnr = min(worst_psnr, float(10 * np.log10(255**2 / max(1e-9, float((difference**2).mean())))))
    print(
        f"outside the hidden regions: worst frame mean difference {worst_mean:.2f} levels, "
        f"PSNR {worst_psnr:.1f} dB"
    )
    # H.264 at crf 18 re-encodes every frame: its noise, not an edit.
    assert worst_mean < 3.0
    assert worst_psnr >= 35.0


def test_the_sound_is_copied_untouched(media_dir: Path, redacted) -> None:
    report, _ = redacted
    (source, times), (made, _) = _sound_packets(media_dir / TAKE), _sound_packets(report.path)
    dropped = len(source) - len(made)
    # The take's sound starts 0.84 s before its first picture; the new file starts at the first
    # picture, so the packets before it are left out (the shared writer keeps sound and picture in
    # sync). Every packet from the first picture on is the source's, byte for byte.
    print(f"{len(made)} of {len(source)} sound packets copied; {dropped} lie before the first picture")
    assert made == source[dropped:]
    assert dropped == 0 or times[dropped - 1] < 0
    assert len(made) > 0.9 * len(source)


def test_cli_pixelates_by_person_id_and_refuses_without_a_person(
    media_dir: Path, redacted, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    report, folder = redacted
    monkeypatch.setenv("ROUGHCUT_CACHE", str(folder / "store.sqlite"))  # the vision analysis is cached
    take = media_dir / TAKE
    out = folder / "pixelated.mp4"
    person = report.persons[0]
    result = CliRunner().invoke(
        main, ["-q", "redact", str(take), "--person", person, "--pixelate", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"hid {person}" in result.output and "wrote" in result.output
    assert out.is_file()
    refused = CliRunner().invoke(main, ["-q", "redact", str(take), "--out", str(folder / "x.mp4")])
    assert refused.exit_code == 1 and "whom to hide" in refused.output
    unknown = CliRunner().invoke(
        main, ["-q", "redact", str(take), "--person", "person99", "--out", str(folder / "y.mp4")]
    )
    assert unknown.exit_code == 1 and "no person99" in unknown.output
    assert not (folder / "x.mp4").exists() and not (folder / "y.mp4").exists()
