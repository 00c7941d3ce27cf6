"""Restoration benchmark: quality against the truth and speed against the plain decode, one run.

For each clip (``video/testvideo.mp4`` frames 40-100, GRID ``bbaf2n`` frames 10-70, the medium
shot of ``faces/hamilton_clip.mp4`` frames 82-142), at its own size, each kind of damage from
:mod:`roughcut.picture.damage` is added and repaired alone; printed: PSNR and SSIM before and after,
the flicker, speck and shake figures, and each repair's speed as frames a second and as a ratio to
decoding the same frames (``read_frames``) in the same process. ``--stills DIR`` writes
before/after PNGs of the middle frame of each (one file per clip and repair).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_picture_restore.py [--width 640] [--stills DIR]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio as psnr
from skimage.metrics import structural_similarity as ssim

from roughcut.media.frames import read_frames
from roughcut.picture import damage
from roughcut.picture.restore import RestoreOptions, restore_frames

ROOT = Path(__file__).resolve().parents[1]
MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", ROOT.parent / "shared" / "media"))
CLIPS = {
    "testvideo": ("video/testvideo.mp4", 40, 29.97),
    "grid_bbaf2n": ("grid/bbaf2n.mpg", 10, 25.0),
    "hamilton_medium": ("faces/hamilton_clip.mp4", 82, 29.97),
}
FRAMES = 60


def mean_ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean([ssim(x, y, channel_axis=-1) for x, y in zip(a[::6], b[::6], strict=True)]))


def still(path: Path, *images: np.ndarray) -> None:
    cv2.imwrite(str(path), cv2.cvtColor(np.hstack(images), cv2.COLOR_RGB2BGR))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=None, help="Scale the clips to this width (pixels).")
    parser.add_argument("--stills", type=Path, default=None, help="Write before/after PNGs here.")
    parser.add_argument("--only", nargs="*", default=None, help="Repairs to run (denoise, stabilise...).")
    parser.add_argument("--clips", nargs="*", default=None, help="Clips to run (testvideo, ...).")
    args = parser.parse_args()
    if args.stills:
        args.stills.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261201)
    for name, (relative, start, rate) in CLIPS.items():
        if args.clips is not None and name not in args.clips:
            continue
        path = MEDIA / relative
        t0 = time.perf_counter()
        clean = np.stack(
            [
                f.image
                for f in read_frames(path, width=args.width, start_frame=start, end_frame=start + FRAMES)
            ]
        )
        decode_fps = len(clean) / (time.perf_counter() - t0)
        print(f"\n{name}: {len(clean)} frames {clean.shape[2]}x{clean.shape[1]}, decode {decode_fps:.0f} fps")
        cases = {
            "denoise": (damage.add_grain(clean, rng, sigma=12.0), RestoreOptions(denoise=True)),
            "deflicker": (damage.add_flicker(clean, rng)[0], RestoreOptions(deflicker=True)),
            "dust": damage.add_dust(clean, rng),
            "stabilise": (
                damage.add_shake(clean, rng, sigma_px=3.0, sigma_deg=0.4)[0],
                RestoreOptions(stabilise=True),
            ),
            "clean, all four": (
                clean,
                RestoreOptions(denoise=True, deflicker=True, dust=True, stabilise=True),
            ),
        }
        dusty, mask = cases["dust"]
        cases["dust"] = (dusty, RestoreOptions(dust=True))
        for repair, (damaged, options) in cases.items():
            if args.only is not None and repair.split(",")[0] not in args.only:
                continue
            t0 = time.perf_counter()
            restored, report = restore_frames(damaged, options, rate=rate)
            fps = len(damaged) / (time.perf_counter() - t0)
            line = (
                f"  {repair:16s} PSNR {psnr(clean, damaged):6.2f} -> {psnr(clean, restored):6.2f} dB, "
                f"SSIM {mean_ssim(clean, damaged):.3f} -> {mean_ssim(clean, restored):.3f}, "
                f"{fps:5.1f} fps ({fps / decode_fps:.3f} x decode)"
            )
            if repair == "deflicker":
                before, after = (
                    damage.luminance_flicker(damaged, clean),
                    damage.luminance_flicker(restored, clean),
                )
                line += f"; luminance change {100 * before:.2f} % -> {100 * after:.2f} %"
                line += f" (cut {1 - after / before:.0%})"
            if repair == "dust":
                removed, visible = damage.specks_removed(damaged, restored, clean, mask)
                line += f"; specks removed {removed}/{visible} ({removed / visible:.0%})"
            if repair == "stabilise":
                before, after = damage.shake_of(damaged, clean), damage.shake_of(restored, clean)
                line += f"; shake {before:.2f} -> {after:.2f} px (cut {1 - after / before:.0%})"
                line += f", crop {report.crop}"
            print(line, flush=True)
            if args.stills:
                middle = len(clean) // 2
                still(
                    args.stills / f"{name}_{repair.split(',')[0]}.png",
                    clean[middle],
                    damaged[middle],
                    restored[middle],
                )


if __name__ == "__main__":
    main()
