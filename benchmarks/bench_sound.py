"""Sound stage figures on the real recordings in ../shared/media, with speeds as ratios measured in
this one run: sync accuracy against ground truth, clean-up SI-SDR / PESQ / STOI before and after for
every mode (and the ceilings a noise-profile method can reach on these pairs), de-reverb, loudness
accuracy against each delivery spec.

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


#: The clean-up modes compared: (label, clean_dialogue keyword arguments).
MODES = (
    ("deepfilter", {"denoise": "deepfilter"}),
    ("learnt", {"denoise": "learnt"}),
    ("wiener", {"denoise": "wiener"}),
    ("gate", {"denoise": "gate"}),
    ("none", {"denoise": None}),
)


def _scores(estimate: np.ndarray, clean: np.ndarray, rate: int) -> tuple[float, float, float]:
    """SI-SDR (dB), wideband PESQ (1-4.64, ``nan`` when it cannot be computed) and STOI (0-1)."""
    from pesq import pesq
    from pystoi import stoi

    try:
        quality = float(pesq(rate, clean.astype(np.float64), estimate.astype(np.float64), "wb"))
    except Exception:  # PESQ refuses some inputs (no utterance found): report nan
        quality = float("nan")
    return si_sdr(estimate, clean), quality, float(stoi(clean, estimate, rate))


def _room_response(rt60_s: float, rate: int) -> np.ndarray:
    """Image-method response (pyroomacoustics) of a 6 x 5 x 3 m room, talker 2.9 m from the mic."""
    import pyroomacoustics as pra

    size = (6.0, 5.0, 3.0)
    absorption, max_order = pra.inverse_sabine(rt60_s, size)
    room = pra.ShoeBox(size, fs=rate, materials=pra.Material(absorption), max_order=max_order)
    room.add_source((2.0, 3.5, 1.6))
    room.add_microphone((4.0, 2.0, 1.5))
    room.compute_rir()
    return np.asarray(room.rir[0][0])


def _mixes() -> list[tuple[str, np.ndarray, np.ndarray, int]]:
    """LibriVox speech (not the pairs' talker) with the pairs' real recorded noise (noisy - clean,
    looped when shorter) at 0, 5 and 10 dB SNR: 18 held-out mixes."""
    noises = [x - clean for _, x, clean, _ in _pairs()]
    mixes = []
    for k, path in enumerate(sorted((MEDIA / "speech" / "librivox").glob("*.wav"))):
        speech, rate = soundfile.read(path, dtype="float32")
        noise = np.resize(noises[k % len(noises)], len(speech)).astype(np.float64)
        for snr_db in (0, 5, 10):
            gain = np.sqrt(np.mean(speech.astype(np.float64) ** 2) / np.mean(noise**2) / 10 ** (snr_db / 10))
            mixes.append(
                (f"{path.stem[-4:]}@{snr_db}dB", (speech + gain * noise).astype(np.float32), speech, rate)
            )
    return mixes


def _finite_mean(values: np.ndarray) -> float:
    """Mean of the finite values (``nan`` when none: the SI-SDR gain on clean input is undefined)."""
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


def bench_clean() -> None:
    print(
        "== dialogue clean-up: mean SI-SDR (dB) / PESQ wb / STOI before -> after, real-time factor (1.0 = as"
    )
    print("   long as the audio); pairs = the 6 real noisy/clean pairs; mixes = LibriVox speech + the pairs'")
    print(
        "   real noise at 0/5/10 dB (18); clean = the pairs' clean side (what each mode costs clean speech)"
    )
    sets = {"pairs": _pairs(), "mixes": _mixes()}
    sets["clean"] = [(name, clean, clean, rate) for name, _, clean, rate in sets["pairs"]]
    inputs = {name: np.array([_scores(x, c, r) for _, x, c, r in items]) for name, items in sets.items()}
    for name, before in inputs.items():
        sdr, quality, intelligibility = np.nanmean(before, axis=0)
        print(f"  input       {name:6s} SI-SDR {sdr:6.2f}  PESQ {quality:4.2f}  STOI {intelligibility:.3f}")
    for label, options in MODES:
        for name, items in sets.items():
            seconds = audio_s = 0.0
            after = []
            for _, x, clean, rate in items:
                result, took = _timed(clean_dialogue, x, rate, **options)
                seconds, audio_s = seconds + took, audio_s + len(x) / rate
                after.append(_scores(result.samples, clean, rate))
            after = np.array(after)
            gain = after - inputs[name]
            per_file = " ".join(f"{g:+.1f}" for g in gain[:, 0]) if name == "pairs" else ""
            print(
                f"  {label:11s} {name:6s} "
                f"SI-SDR {np.mean(after[:, 0]):6.2f} ({_finite_mean(gain[:, 0]):+.2f})  "
                f"PESQ {np.nanmean(after[:, 1]):4.2f} ({np.nanmean(gain[:, 1]):+.2f})  "
                f"STOI {np.mean(after[:, 2]):.3f} ({np.mean(gain[:, 2]):+.3f})  "
                f"RTF {seconds / audio_s:.3f}  {per_file}"
            )
    print("  goals (issue 16): mixes SI-SDR >= +6 dB, PESQ >= +0.5; clean input PESQ >= 4.2")
    pairs = sets["pairs"]
    for label, frames in (("whole-file", None), ("200 ms", 25), ("40 ms", 5)):
        gains = [si_sdr(_oracle(x, c, r, frames), c) - si_sdr(x, c) for _, x, c, r in pairs]
        print(
            f"  ceiling of a Wiener gain with the TRUE noise spectrum, {label:10s}: {np.mean(gains):+.2f} dB"
        )


def bench_deepfilter_memory() -> None:
    import tracemalloc

    from roughcut.audio.deepfilter import deepfilter_denoise

    print("== DeepFilterNet memory: peak Python-side allocation beyond the output, 44.1 kHz noise")
    rng = np.random.default_rng(0)
    for seconds in (10, 40):
        x = (rng.normal(size=seconds * 44100) * 0.05).astype(np.float32)
        tracemalloc.start()
        out, took = _timed(deepfilter_denoise, x, 44100)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  {seconds:3d} s: peak {peak / 2**20:6.1f} MiB, "
            f"of which the output {out.nbytes / 2**20:5.1f} MiB; "
            f"RTF {took / seconds:.3f}"
        )


def bench_fingerprint() -> None:
    import tempfile

    from roughcut.media.fingerprint import fingerprint, forget_fingerprints

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "take.mov"
        path.write_bytes(np.random.default_rng(0).bytes(128 * 2**20))
        forget_fingerprints()
        _, cold = _timed(fingerprint, path)
        _, warm = _timed(fingerprint, path)
    print(
        f"== store identity: every byte hashed (BLAKE2b), 128 MiB in {cold:.2f} s ({128 / cold:.0f} MiB/s, "
        f"page cache warm); the unchanged file again {warm * 1e6:.0f} us"
    )


def bench_dereverb() -> None:
    from scipy.signal import fftconvolve

    from roughcut.audio.dereverb import wpe_dereverb

    print(
        "== de-reverb (WPE) on the pairs' clean speech in a simulated 6 x 5 x 3 m room (image method), "
        "SI-SDR dB"
    )
    print(
        "   against the dry speech through the direct sound + first 50 ms (early), and against the dry speech"
    )
    clean = [(c, r) for _, _, c, r in _pairs()]
    for rt60_s in (0.3, 0.6, 0.9):
        response = _room_response(rt60_s, clean[0][1])
        peak = int(np.argmax(np.abs(response)))
        for files, role in ((slice(0, 3), "tuning"), (slice(3, 6), "held out")):
            rows, seconds, audio_s = [], 0.0, 0.0
            for dry, rate in clean[files]:
                wet = fftconvolve(dry, response)[: len(dry)]
                early = fftconvolve(dry, response[: peak + round(0.05 * rate)])[: len(dry)]
                direct = np.concatenate([np.zeros(peak), dry])[: len(dry)]
                out, took = _timed(wpe_dereverb, wet, rate)
                seconds, audio_s = seconds + took, audio_s + len(dry) / rate
                rows.append(
                    (si_sdr(wet, early), si_sdr(out, early), si_sdr(wet, direct), si_sdr(out, direct))
                )
            m = np.mean(rows, axis=0)
            print(
                f"  RT60 {rt60_s:.1f} s, files {role:8s}: "
                f"early {m[0]:6.2f} -> {m[1]:6.2f} ({m[1] - m[0]:+.2f})  "
                f"dry {m[2]:6.2f} -> {m[3]:6.2f} ({m[3] - m[2]:+.2f})  RTF {seconds / audio_s:.3f}"
            )


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
    bench_dereverb()
    bench_deepfilter_memory()
    bench_fingerprint()
    bench_loudness()
    bench_prosody()
