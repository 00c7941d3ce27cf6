"""Sound stage figures on the real recordings in ../shared/media, with speeds as ratios measured in
this one run: sync accuracy against ground truth, clean-up SI-SDR before/after (and the ceilings a
noise-profile method can reach on these pairs), loudness accuracy against each delivery spec.

    .venv/bin/python benchmarks/bench_sound.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import soundfile
from scipy.ndimage import uniform_filter1d
from scipy.signal import istft, resample_poly, stft

from roughcut.audio.clean import clean_dialogue, wiener_lsa
from roughcut.audio.loudness import PRESETS, measure_loudness, normalize_loudness
from roughcut.audio.metrics import si_sdr
from roughcut.audio.prosody import line_prosody
from roughcut.audio.sync import find_offset
from roughcut.media import read_audio

MEDIA = Path(os.environ.get("ROUGHCUT_MEDIA", Path(__file__).resolve().parents[2] / "shared" / "media"))
RATE = 16000


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def bench_sync() -> None:
    print("== sync (GCC-PHAT + windowed line fit), 16 kHz analysis audio")
    folder = MEDIA / "sync"
    decoded = {}
    decode_s = 0.0
    for name in ("timbl_1", "timbl_2", "timbl_3"):
        audio, seconds = _timed(read_audio, folder / f"{name}.mp3", sample_rate=RATE)
        decoded[name], decode_s = audio.samples, decode_s + seconds
    stretched = resample_poly(decoded["timbl_2"], 10001, 10000).astype(np.float32)
    cases = [
        ("timbl_2 vs timbl_1", decoded["timbl_2"], 12.254, 0.0, 0.001),
        ("timbl_3 (noise) vs timbl_1", decoded["timbl_3"], 12.23, 0.0, 0.010),
        ("timbl_2 x1.0001 vs timbl_1", stretched, 12.254, (1 / 1.0001 - 1) * 1e6, 0.001),
    ]
    sync_s = 0.0
    for label, other, truth, drift_truth, goal in cases:
        result, seconds = _timed(find_offset, decoded["timbl_1"], other, RATE)
        sync_s += seconds
        error_ms = (result.offset_s - truth) * 1000
        print(
            f"  {label:28s} offset {result.offset_s:.5f} s  error {error_ms:+.3f} ms "
            f"(goal {goal * 1000:g} ms)  drift {result.drift_ppm:+.1f} ppm (truth {drift_truth:+.1f})  "
            f"confidence {result.confidence:.2f}"
        )
    r4 = read_audio(folder / "r4_excerpt.ogg", sample_rate=RATE).samples
    unrelated = find_offset(decoded["timbl_1"], r4, RATE)
    print(f"  unrelated recording           confidence {unrelated.confidence:.2f} (matches need >= 0.5)")
    print(f"  speed: 3 syncs took {sync_s / decode_s:.2f}x the time of decoding the 3 files")


def _pairs() -> list[tuple[str, np.ndarray, np.ndarray, int]]:
    pairs = []
    for noisy in sorted((MEDIA / "noisy" / "noisy").glob("*.wav")):
        x, rate = soundfile.read(noisy, dtype="float32")
        clean, _ = soundfile.read(MEDIA / "noisy" / "clean" / noisy.name, dtype="float32")
        pairs.append((noisy.name, x, clean, rate))
    return pairs


def _oracle(x: np.ndarray, clean: np.ndarray, rate: int, frames: int | None) -> np.ndarray:
    """MMSE-LSA given the TRUE noise (noisy - clean): its spectrum averaged over the whole file
    (``frames=None``) or over ``frames`` STFT frames; a ceiling for any noise estimate."""
    if frames is None:
        return wiener_lsa(x, rate, x - clean)
    size, hop = 512, 128
    _, _, noise = stft(x - clean, rate, nperseg=size, noverlap=size - hop)
    _, _, spectrum = stft(x, rate, nperseg=size, noverlap=size - hop)
    power = uniform_filter1d(np.abs(noise) ** 2, frames, axis=1, mode="nearest") + 1e-12
    # The same estimator as wiener_lsa, with a time-varying noise power.
    from scipy.special import exp1

    out = np.empty_like(spectrum)
    previous = np.zeros(spectrum.shape[0])
    for k in range(spectrum.shape[1]):
        gamma = np.abs(spectrum[:, k]) ** 2 / power[:, k]
        prior = np.maximum(0.95 * previous / power[:, k] + 0.05 * np.maximum(gamma - 1, 0), 10**-1.5)
        v = prior / (1 + prior) * gamma
        gain = np.clip(prior / (1 + prior) * np.exp(0.5 * exp1(np.maximum(v, 1e-10))), 0.1, 1.0)
        out[:, k] = gain * spectrum[:, k]
        previous = np.abs(out[:, k]) ** 2
    _, restored = istft(out, rate, nperseg=size, noverlap=size - hop)
    return restored[: len(x)]


def bench_clean() -> None:
    from pystoi import stoi

    print("== dialogue clean-up on the 6 real noisy/clean pairs (SI-SDR dB, STOI 0..1)")
    pairs = _pairs()
    for method in ("learnt", "wiener", "gate"):
        gains, kept, intelligibility, seconds, audio_s = [], [], [], 0.0, 0.0
        for _, x, clean, rate in pairs:
            result, took = _timed(clean_dialogue, x, rate, denoise=method)
            seconds += took
            audio_s += len(x) / rate
            gains.append((si_sdr(x, clean), si_sdr(result.samples, clean)))
            intelligibility.append((stoi(clean, x, rate), stoi(clean, result.samples, rate)))
            kept.append(si_sdr(clean_dialogue(clean, rate, denoise=method).samples, clean))
        before, after = np.array(gains).T
        stoi_before, stoi_after = np.array(intelligibility).T
        print(
            f"  {method:6s} before {np.round(before, 1)} after {np.round(after, 1)}\n"
            f"         mean {before.mean():.2f} -> {after.mean():.2f} dB, "
            f"gain {np.mean(after - before):+.2f} dB (goal +5); "
            f"STOI {stoi_before.mean():.3f} -> {stoi_after.mean():.3f}; "
            f"clean references kept at {min(kept):.1f}..{max(kept):.1f} dB; "
            f"{audio_s / seconds:.0f}x real time"
        )
    for label, frames in (("whole-file", None), ("200 ms", 25), ("40 ms", 5)):
        gains = [si_sdr(_oracle(x, c, r, frames), c) - si_sdr(x, c) for _, x, c, r in pairs]
        print(f"  ceiling with the TRUE noise spectrum, {label:10s}: gain {np.mean(gains):+.2f} dB")


def bench_loudness() -> None:
    print("== loudness normalisation on real speech (error against target, true peak)")
    files = [
        MEDIA / "speech" / "jfk.flac",
        MEDIA / "speech" / "sonnets" / "sonnet001_de.mp3",
        MEDIA / "speech" / "notld" / "119s_theres_supposed_to_be_another_broadcast.wav",
        MEDIA / "speech" / "tears_of_steel_line.m4a",
    ]
    import pyloudnorm

    for path in files:
        audio = read_audio(path, sample_rate=None, mono=False)
        samples = audio.samples if audio.samples.shape[0] <= 5 else audio.samples.mean(axis=0)
        report, ours = _timed(measure_loudness, samples, audio.sample_rate)
        meter = pyloudnorm.Meter(audio.sample_rate)
        _, plain = _timed(meter.integrated_loudness, samples.T.astype(np.float64))
        cells = []
        for name in PRESETS:
            result = normalize_loudness(samples, audio.sample_rate, name)
            cells.append(
                f"{name} {result.error_lu:+.2f} LU tp {result.after.true_peak_dbtp:.1f}"
                + ("L" if result.limited else "")
            )
        print(
            f"  {path.name[:34]:34s} I {report.integrated_lufs:6.1f} LRA {report.loudness_range_lu:4.1f} "
            f"TP {report.true_peak_dbtp:5.1f} | " + " | ".join(cells)
        )
        print(f"    full measurement (I, LRA, TP, dialogue gate) = {ours / plain:.1f}x pyloudnorm's I alone")


def bench_prosody() -> None:
    print("== prosody")
    audio = read_audio(MEDIA / "speech" / "mfa" / "acoustic_corpus.wav", sample_rate=RATE)
    fast, seconds = _timed(line_prosody, audio.samples, RATE, 2.49, 7.54)
    slow = line_prosody(audio.samples, RATE, 8.6, 13.9)
    print(
        f"  'talking pretty fast' {fast.speaking_rate:.2f} syll/s arousal {fast.arousal:.2f}; "
        f"'talking really slow' {slow.speaking_rate:.2f} syll/s arousal {slow.arousal:.2f}; "
        f"{(7.54 - 2.49) / seconds:.0f}x real time"
    )


if __name__ == "__main__":
    if not MEDIA.is_dir():
        raise SystemExit(f"real test media not found at {MEDIA} (set ROUGHCUT_MEDIA)")
    bench_sync()
    bench_clean()
    bench_loudness()
    bench_prosody()
