"""Colour match between takes, on real footage graded differently on purpose.

The "other camera" is a real clip put through a known ASC CDL (three looks: warm, cool and dark,
flat and lifted), applied here in the test by the CDL formulas. The reference take is the same
shot's first half, ungraded; the take to match is its second half, graded; the truth is that second
half as it was before grading. Colour difference is CIEDE2000 (scikit-image's ``rgb2lab`` and
``deltaE_ciede2000``, not the code's OpenCV Lab) over the inner part of the faces found by the
project's ``find_faces`` on the ungraded frames, and over the whole frame. The ``.cube`` is read
back and applied by a trilinear interpolation written here, and the ``.cdl`` by the formulas here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from click.testing import CliRunner

LOOKS = {
    "warm": ((1.15, 1.0, 0.82), (0.02, 0.0, -0.02), (0.9, 1.0, 1.1), 1.0),
    "cool dark": ((0.8, 0.9, 1.1), (0.0, 0.01, 0.03), (1.2, 1.1, 1.0), 0.8),
    "flat lifted": ((0.85, 0.9, 0.85), (0.08, 0.07, 0.09), (1.0, 0.95, 1.05), 1.25),
}


def grade_cdl(image: np.ndarray, slope, offset, power, saturation: float) -> np.ndarray:
    """ASC CDL v1.2 on uint8 RGB: clamp(in * slope + offset) ** power, then saturation (Rec. 709)."""
    rgb = image.astype(np.float64) / 255
    out = np.clip(rgb * np.array(slope) + np.array(offset), 0, 1) ** np.array(power)
    luma = out @ np.array([0.2126, 0.7152, 0.0722])
    out = np.clip(luma[..., None] + saturation * (out - luma[..., None]), 0, 1)
    return np.round(out * 255).astype(np.uint8)


def read_cube(path: Path) -> np.ndarray:
    """A ``.cube`` 3D LUT as ``table[r, g, b]`` (red changes fastest in the file)."""
    size, rows = 0, []
    for line in path.read_text().splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "LUT_3D_SIZE":
            size = int(words[1])
        elif words[0][0].isdigit() or words[0][0] in "-.":
            rows.append([float(w) for w in words])
    assert size and len(rows) == size**3
    return np.array(rows).reshape(size, size, size, 3).transpose(2, 1, 0, 3)


def trilinear(table: np.ndarray, image: np.ndarray) -> np.ndarray:
    """uint8 RGB through ``table[r, g, b]``, interpolated between the 8 surrounding grid points."""
    n = table.shape[0]
    p = image.reshape(-1, 3).astype(np.float64) / 255 * (n - 1)
    i0 = np.clip(np.floor(p).astype(int), 0, n - 2)
    t = p - i0
    out = np.zeros_like(p)
    for corner in range(8):
        d = [(corner >> k) & 1 for k in range(3)]
        w = np.prod([t[:, k] if d[k] else 1 - t[:, k] for k in range(3)], axis=0)
        out += w[:, None] * table[i0[:, 0] + d[0], i0[:, 1] + d[1], i0[:, 2] + d[2]]
    return np.round(np.clip(out, 0, 1) * 255).astype(np.uint8).reshape(image.shape)


def delta_e(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    from skimage.color import deltaE_ciede2000, rgb2lab

    if mask is not None:
        a, b = a[mask], b[mask]
    return float(deltaE_ciede2000(rgb2lab(a.reshape(-1, 1, 3)), rgb2lab(b.reshape(-1, 1, 3))).mean())


def face_mask(image: np.ndarray) -> np.ndarray:
    from roughcut.vision.faces import find_faces

    mask = np.zeros(image.shape[:2], bool)
    for face in find_faces(image):
        x, y, w, h = face.box
        mask[int(y + 0.3 * h) : int(y + 0.85 * h), int(x + 0.25 * w) : int(x + 0.75 * w)] = True
    assert mask.any(), "no face found"
    return mask


def _shots(media_dir: Path) -> dict[str, tuple[list[np.ndarray], list[np.ndarray]]]:
    """Reference (first half) and take (second half) of each real shot, every third frame."""
    from roughcut.media.frames import read_frames

    shots = {}
    for path in sorted((media_dir / "grid").glob("*.mpg")):
        frames = [f.image for f in read_frames(path)][::3]
        shots[path.name] = (frames[: len(frames) // 2], frames[len(frames) // 2 :])
    hamilton = [
        f.image for f in read_frames(media_dir / "faces" / "hamilton_clip.mp4") if 82 <= f.index <= 210
    ][::3]
    shots["hamilton medium shot"] = (hamilton[: len(hamilton) // 2], hamilton[len(hamilton) // 2 :])
    return shots


def test_faces_match_the_reference_after_grading(media_dir: Path) -> None:
    from roughcut.picture.colour import apply_lut, plan_match

    looks = list(LOOKS.items())
    before_all, after_all, cdl_all = [], [], []
    for number, (name, (reference, truth)) in enumerate(_shots(media_dir).items()):
        look, cdl = looks[number % len(looks)]
        take = [grade_cdl(frame, *cdl) for frame in truth]
        _transfer, table, fitted, take_stats, reference_stats = plan_match(take, reference)
        assert take_stats.skin is not None and reference_stats.skin is not None, name
        scored = range(0, len(truth), 6)
        matched = {i: apply_lut(table, take[i]) for i in scored}
        through_cdl = {i: np.round(fitted.apply(take[i] / 255) * 255).astype(np.uint8) for i in scored}
        masks = {i: face_mask(truth[i]) for i in scored}
        before = np.mean([delta_e(take[i], truth[i], masks[i]) for i in scored])
        after = np.mean([delta_e(matched[i], truth[i], masks[i]) for i in scored])
        by_cdl = np.mean([delta_e(through_cdl[i], truth[i], masks[i]) for i in scored])
        frame_before = np.mean([delta_e(take[i][::2, ::2], truth[i][::2, ::2]) for i in scored])
        frame_after = np.mean([delta_e(matched[i][::2, ::2], truth[i][::2, ::2]) for i in scored])
        print(
            f"{name} ({look}): faces dE2000 {before:.2f} -> {after:.2f} (CDL {by_cdl:.2f}, fit rms "
            f"{fitted.rms_error * 255:.1f}/255); frame {frame_before:.2f} -> {frame_after:.2f}"
        )
        before_all.append(before)
        after_all.append(after)
        cdl_all.append(by_cdl)
        assert after <= 0.5 * before, (name, before, after)
        assert after <= 5.0, (name, after)
        assert by_cdl <= 0.6 * before, (name, before, by_cdl)
    before_mean, after_mean, cdl_mean = np.mean(before_all), np.mean(after_all), np.mean(cdl_all)
    print(f"mean faces dE2000 {before_mean:.2f} -> {after_mean:.2f} (CDL {cdl_mean:.2f})")
    assert np.mean(after_all) <= 3.5


def test_grade_command_writes_a_cube_and_cdl_that_reproduce_it(media_dir: Path, tmp_path: Path) -> None:
    import av

    from roughcut._cli import main
    from roughcut.media.frames import read_frames

    reference = media_dir / "grid" / "sbwe5n.mpg"
    originals = [f.image for f in read_frames(reference)]
    # The other camera: the same take graded warm, written losslessly (H.264 4:4:4, qp 0).
    other = tmp_path / "other_camera.mp4"
    with av.open(str(other), "w") as out:
        stream = out.add_stream("libx264rgb", rate=25)
        stream.width, stream.height, stream.pix_fmt = originals[0].shape[1], originals[0].shape[0], "rgb24"
        stream.options = {"qp": "0", "preset": "ultrafast"}
        for frame in originals:
            out.mux(
                stream.encode(av.VideoFrame.from_ndarray(grade_cdl(frame, *LOOKS["warm"]), format="rgb24"))
            )
        out.mux(stream.encode())
    take = [f.image for f in read_frames(other)]
    cube, cdl, graded = tmp_path / "match.cube", tmp_path / "match.cdl", tmp_path / "graded.mp4"
    args = ["-q", "grade", str(other), "--match", str(reference), "--out", str(graded)]
    result = CliRunner().invoke(main, [*args, "--cdl", str(cdl), "--cube", str(cube)])
    assert result.exit_code == 0, result.output
    table = read_cube(cube)
    assert table.shape == (33, 33, 33, 3)
    rendered = [f.image for f in read_frames(graded)]
    assert len(rendered) == len(take) == 75
    for index in (5, 37, 70):
        ours = trilinear(table, take[index])
        # The rendered take is the LUT applied (then H.264 4:2:0 at crf 18): within coding noise.
        assert np.abs(ours.astype(float) - rendered[index]).mean() < 2.5
        from roughcut.picture.colour import apply_lut

        assert np.abs(ours.astype(int) - apply_lut(table, take[index])).max() <= 1
    node = ET.parse(cdl).getroot()
    ns = {"c": "urn:ASC:CDL:v1.01"}
    slope, offset, power = (
        [float(v) for v in node.find(f".//c:{tag}", ns).text.split()] for tag in ("Slope", "Offset", "Power")
    )
    saturation = float(node.find(".//c:Saturation", ns).text)
    mask = face_mask(originals[37])
    before = delta_e(take[37], originals[37], mask)
    after_cube = delta_e(trilinear(table, take[37]), originals[37], mask)
    after_cdl = delta_e(grade_cdl(take[37], slope, offset, power, saturation), originals[37], mask)
    print(f"sbwe5n warm, whole take as reference: faces dE2000 {before:.2f} -> {after_cube:.2f} (cube)")
    print(f"  and {after_cdl:.2f} (cdl)")
    assert after_cube <= 0.4 * before and after_cdl <= 0.6 * before

    mine = tmp_path / "mine.cube"
    mine.write_text("the user's own LUT")
    refused = CliRunner().invoke(
        main, ["-q", "grade", str(other), "--match", str(reference), "--cube", str(mine), "--no-render"]
    )
    assert refused.exit_code == 1 and "not overwritten" in refused.output
    assert mine.read_text() == "the user's own LUT"
    no_video = CliRunner().invoke(
        main, ["-q", "grade", str(media_dir / "speech" / "jfk.flac"), "--match", str(reference)]
    )
    assert no_video.exit_code == 1 and "jfk.flac" in no_video.output and "no video" in no_video.output
