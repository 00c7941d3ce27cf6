"""Train the dialogue denoiser shipped as ``roughcut/audio/models/dialogue_denoiser.npz``.

A small mask network (about 10 k weights, trained for SI-SDR and the ideal mask): three maps of the
log power spectrum (512-point STFT, 128 hop at 16 kHz) -> 2-D convolutions shared by every bin ->
a sigmoid gain per bin and frame.
:mod:`roughcut.audio.denoiser` runs it in numpy; this script needs PyTorch (CPU is enough)::

    pip install torch  # into any environment that also has roughcut's own dependencies
    python training/train_dialogue_denoiser.py --minutes 30 --seconds 1.0 --batch 8

Speech: the public-domain / CC BY / MIT recordings in ``../shared/media`` (LibriVox, GRID, MFA's
test corpus, LibriVox sonnets, BBC radio). The noisy/clean pairs there are NEVER used: they are
the held-out test. Noise is made here, so the model never sees a recorded noise: coloured and
rumbling noise, babble summed from other talkers, clatter, tones, each with slow level changes.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
from scipy.signal import resample_poly
from torch import nn

from roughcut.media import read_audio

RATE = 16000
N_FFT = 512
HOP = 128
BINS = N_FFT // 2 + 1
CHANNELS = 16
DILATIONS = (1, 2, 4, 8)
FLOOR_QUANTILE = 0.2
SPEEDS = ((9, 10), (19, 20), (21, 20), (11, 10), (9, 8), (8, 9))
MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"

TRAIN = [
    *sorted((MEDIA / "speech" / "librivox").glob("sense_*.wav")),
    *sorted((MEDIA / "speech" / "mfa").glob("*.wav")),
    *sorted((MEDIA / "grid").glob("*.mpg"))[2:],
    MEDIA / "speech" / "sonnets" / "sonnet001_en.mp3",
    MEDIA / "speech" / "sonnets" / "sonnet001_de.mp3",
    MEDIA / "sync" / "timbl_1.mp3",
]
VALIDATION = [
    MEDIA / "speech" / "librivox" / "goforward.wav",
    *sorted((MEDIA / "grid").glob("*.mpg"))[:2],
    MEDIA / "speech" / "sonnets" / "sonnet001_es.mp3",
]


def load(paths: list[Path]) -> list[np.ndarray]:
    out = []
    for path in paths:
        samples = read_audio(path, sample_rate=RATE).samples.astype(np.float32)
        out.append(samples / (np.abs(samples).max() + 1e-9))
    return out


class Noises:
    """Synthetic noise of many kinds, made with numpy."""

    def __init__(self, speech: list[np.ndarray], rng: np.random.Generator) -> None:
        self.speech = speech
        self.rng = rng

    def _shape(self, white: np.ndarray) -> np.ndarray:
        r = self.rng
        spectrum = np.fft.rfft(white)
        freqs = np.fft.rfftfreq(len(white), 1 / RATE)
        octaves = np.log2(np.maximum(freqs, 20.0) / 1000.0)
        slope = r.uniform(-9.0, 3.0)  # dB per octave
        knots = np.linspace(-5.7, 3.0, 12)
        bumps = np.interp(octaves, knots, r.normal(0, r.uniform(1, 8), len(knots)))
        gain_db = slope * octaves + bumps
        if r.random() < 0.5:
            gain_db -= 40 * (freqs > r.uniform(2000, 8000))  # a band limit, as from far away
        return np.fft.irfft(spectrum * 10 ** (gain_db / 20), len(white))

    def coloured(self, length: int) -> np.ndarray:
        return self._shape(self.rng.standard_normal(length))

    def rumble(self, length: int) -> np.ndarray:
        brown = np.cumsum(self.rng.standard_normal(length))
        spectrum = np.fft.rfft(brown - brown.mean())
        freqs = np.fft.rfftfreq(length, 1 / RATE)
        cutoff = self.rng.uniform(80, 500)
        spectrum *= (freqs > 20) / (1 + (freqs / cutoff) ** 4)
        return np.fft.irfft(spectrum, length)

    def _piece(self, length: int) -> np.ndarray:
        source = self.speech[self.rng.integers(len(self.speech))]
        if len(source) <= length:
            return np.resize(source, length)
        start = self.rng.integers(len(source) - length)
        return source[start : start + length]

    def reverberate(self, sound: np.ndarray) -> np.ndarray:
        """``sound`` in a room: convolved with exponentially decaying noise (RT60 0.2-0.9 s)."""
        rt60 = self.rng.uniform(0.2, 0.9)
        taps = int(rt60 * RATE)
        response = self.rng.standard_normal(taps) * np.exp(-6.9 * np.arange(taps) / taps)
        response[0] = self.rng.uniform(0, 3)  # some direct sound, or none (far away)
        wet = np.fft.irfft(np.fft.rfft(sound, len(sound) + taps) * np.fft.rfft(response, len(sound) + taps))
        return wet[: len(sound)]

    def babble(self, length: int) -> np.ndarray:
        out = np.zeros(length)
        for _ in range(self.rng.integers(2, 13)):
            out += self._piece(length) * 10 ** (self.rng.uniform(-10, 0) / 20)
        if self.rng.random() < 0.6:
            out = self.reverberate(out)
        return self._shape(out) if self.rng.random() < 0.5 else out

    def clatter(self, length: int) -> np.ndarray:
        out = np.zeros(length)
        count = self.rng.poisson(self.rng.uniform(0.5, 6) * length / RATE)
        for _ in range(count):
            size = int(self.rng.uniform(0.002, 0.08) * RATE)
            start = self.rng.integers(max(1, length - size))
            burst = self._shape(self.rng.standard_normal(size)) * np.exp(
                -np.arange(size) / (size * self.rng.uniform(0.1, 0.5))
            )
            out[start : start + size] += burst * 10 ** (self.rng.uniform(-20, 0) / 20) / (burst.std() + 1e-9)
        return out

    def tones(self, length: int) -> np.ndarray:
        t = np.arange(length) / RATE
        out = np.zeros(length)
        if self.rng.random() < 0.5:
            mains = self.rng.choice([50.0, 60.0])
            for k in range(1, self.rng.integers(2, 12)):
                out += (
                    self.rng.uniform(0.1, 1)
                    / k
                    * np.sin(2 * np.pi * mains * k * t + self.rng.uniform(0, 6.3))
                )
        else:
            for _ in range(self.rng.integers(1, 5)):
                out += self.rng.uniform(0.2, 1) * np.sin(2 * np.pi * self.rng.uniform(100, 4000) * t)
        return out + 0.05 * out.std() * self.coloured(length) / 1.0

    def level_changes(self, noise: np.ndarray) -> np.ndarray:
        length = len(noise)
        knots = max(2, int(length / RATE * self.rng.uniform(0.5, 4)))
        envelope_db = np.interp(
            np.arange(length),
            np.linspace(0, length, knots),
            self.rng.normal(0, self.rng.uniform(0, 6), knots),
        )
        return noise * 10 ** (envelope_db / 20)

    kinds = ("coloured", "rumble", "babble", "clatter", "tones")
    weights = (3, 1, 3, 1, 0.7)

    def __call__(self, length: int) -> np.ndarray:
        kinds = [getattr(self, kind) for kind in self.kinds]
        weights = np.array(self.weights, float)
        out = np.zeros(length)
        for index in self.rng.choice(len(kinds), self.rng.integers(1, 4), p=weights / weights.sum()):
            piece = kinds[index](length)
            piece = piece / (piece.std() + 1e-9) * 10 ** (self.rng.uniform(-10, 0) / 20)
            out += self.level_changes(piece) if self.rng.random() < 0.6 else piece
        return out


def example(
    speech: list[np.ndarray], noises: Noises, length: int, rng: np.random.Generator, clean_share: float = 0.08
):
    source = speech[rng.integers(len(speech))]
    if rng.random() < 0.5:  # other voices: tempo and pitch up to 12 % either way
        up, down = SPEEDS[rng.integers(len(SPEEDS))]
        source = resample_poly(source, up, down)
    if len(source) <= length:
        clean = np.zeros(length)
        start = rng.integers(length - len(source) + 1)
        clean[start : start + len(source)] = source
    else:
        start = rng.integers(len(source) - length)
        clean = source[start : start + length].astype(np.float64)
    if rng.random() < 0.3:  # a little colouring of the voice itself: other mics, other rooms
        clean = noises._shape(clean) * 0.5 + clean * 0.5
    active = np.abs(clean) > 0.02 * np.abs(clean).max()
    speech_rms = np.sqrt(np.mean(clean[active] ** 2)) if active.any() else 1e-3
    clean *= 10 ** (rng.uniform(-32, -14) / 20) / (speech_rms + 1e-9)
    snr = 80.0 if rng.random() < clean_share else rng.uniform(-5, 25)
    noise = noises(length)
    noise *= (
        np.sqrt(np.mean(clean[active] ** 2) if active.any() else 1e-6)
        / (noise.std() + 1e-12)
        / 10 ** (snr / 20)
    )
    mixture = clean + noise
    peak = np.abs(mixture).max()
    if peak > 0.99:
        clean, mixture = clean / peak * 0.99, mixture / peak * 0.99
    return mixture.astype(np.float32), clean.astype(np.float32)


class Denoiser(nn.Module):
    """Per-bin gains from three maps over frequency and time: the log power against the recording's
    mean level, against the bin's noise floor (its 20th-percentile level over the whole recording,
    a minimum-statistics noise estimate), and the bin's frequency. Small 2-D convolutions, shared
    by every bin, see 6 bins either side and 16 frames (128 ms) either side: the same rule
    everywhere, so few weights (about 10 k) learn it from little speech."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Conv2d(3, CHANNELS, (5, 3), padding=(2, 1))
        self.blocks = nn.ModuleList(
            nn.Conv2d(CHANNELS, CHANNELS, 3, padding=(1, d), dilation=(1, d)) for d in DILATIONS
        )
        self.out = nn.Conv2d(CHANNELS, 1, 1)
        nn.init.constant_(self.out.bias, 2.0)  # start near "keep everything"
        self.register_buffer("window", torch.hann_window(N_FFT))
        self.register_buffer("frequency", torch.linspace(0, 1, BINS)[:, None])

    def spectrum(self, samples: torch.Tensor) -> torch.Tensor:
        return torch.stft(
            samples, N_FFT, HOP, window=self.window, center=True, pad_mode="constant", return_complex=True
        )

    def mask(self, spectrum: torch.Tensor) -> torch.Tensor:
        power = torch.log(spectrum.abs() ** 2 + 1e-9)  # (batch, bins, frames)
        floor = torch.quantile(power, FLOOR_QUANTILE, dim=2, keepdim=True)
        level = (power - power.mean(dim=(1, 2), keepdim=True)) / 5.0
        features = torch.stack([level, (power - floor) / 5.0, self.frequency.expand_as(power)], dim=1)
        hidden = torch.relu(self.inp(features))
        for block in self.blocks:
            hidden = hidden + torch.relu(block(hidden))
        return torch.sigmoid(self.out(hidden))[:, 0]  # (batch, bins, frames)

    def forward(self, samples: torch.Tensor) -> torch.Tensor:
        spectrum = self.spectrum(samples)
        enhanced = spectrum * self.mask(spectrum)
        return torch.istft(enhanced, N_FFT, HOP, window=self.window, center=True, length=samples.shape[-1])


def si_sdr(estimate: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    reference = reference - reference.mean(-1, keepdim=True)
    estimate = estimate - estimate.mean(-1, keepdim=True)
    scale = (estimate * reference).sum(-1, keepdim=True) / ((reference**2).sum(-1, keepdim=True) + 1e-9)
    target = scale * reference
    return 10 * torch.log10((target**2).sum(-1) + 1e-9) - 10 * torch.log10(
        ((estimate - target) ** 2).sum(-1) + 1e-9
    )


def loss_fn(
    model: Denoiser, mixture: torch.Tensor, clean: torch.Tensor, mask_weight: float = 1.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Negative SI-SDR of the result, plus ``mask_weight`` times the squared distance of the mask
    from the phase-sensitive ideal mask (which steers the first steps; SI-SDR then refines)."""
    spectrum = model.spectrum(mixture)
    mask = model.mask(spectrum)
    estimate = torch.istft(
        spectrum * mask, N_FFT, HOP, window=model.window, center=True, length=mixture.shape[-1]
    )
    quality = si_sdr(estimate, clean)
    target = model.spectrum(clean)
    ideal = (target.abs() / (spectrum.abs() + 1e-8) * torch.cos(target.angle() - spectrum.angle())).clamp(
        0, 1
    )
    mask_error = ((mask - ideal) ** 2).mean()
    return -quality.clamp(max=50).mean() / 10 + mask_weight * 10 * mask_error, quality.mean()


def export(model: Denoiser, path: Path, note: str) -> None:
    state = {
        name: value.detach().numpy().astype(np.float16)  # half the size; inference is float32
        for name, value in model.state_dict().items()
        if name not in ("window", "frequency")
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, note=np.array(note), **state)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=40.0, help="training time (minutes)")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each example (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noises", default=",".join(Noises.kinds), help="kinds of noise to train on")
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (cosine decay)")
    parser.add_argument("--init", type=Path, default=None, help="start from these weights (.npz)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "src/roughcut/audio/models/dialogue_denoiser.npz",
    )
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train, validation = load(TRAIN), load(VALIDATION)
    print(
        f"speech: {sum(map(len, train)) / RATE:.0f} s to train on, "
        f"{sum(map(len, validation)) / RATE:.0f} s to validate",
        flush=True,
    )
    Noises.weights = tuple(w for k, w in zip(Noises.kinds, Noises.weights, strict=True) if k in args.noises)
    Noises.kinds = tuple(k for k in Noises.kinds if k in args.noises)
    noises = Noises(train, rng)
    length = int(args.seconds * RATE)
    val_rng = np.random.default_rng(1234)
    val_noises = Noises(validation, val_rng)
    val = [example(validation, val_noises, length, val_rng, clean_share=0.0) for _ in range(64)]
    val_mix = torch.from_numpy(np.stack([m for m, _ in val]))
    val_clean = torch.from_numpy(np.stack([c for _, c in val]))
    model = Denoiser()
    if args.init:  # go on from earlier weights
        weights = np.load(args.init)
        model.load_state_dict(
            {
                name: torch.from_numpy(weights[name]) if name not in ("window", "frequency") else value
                for name, value in model.state_dict().items()
            }
        )
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    deadline = time.time() + args.minutes * 60
    start, step, best = time.time(), 0, -math.inf
    while time.time() < deadline:
        batch = [example(train, noises, length, rng) for _ in range(args.batch)]
        mixture = torch.from_numpy(np.stack([m for m, _ in batch]))
        clean = torch.from_numpy(np.stack([c for _, c in batch]))
        fraction = (time.time() - start) / (args.minutes * 60)
        for group in optimiser.param_groups:
            group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * min(fraction, 1.0))) + 5e-5
        loss, quality = loss_fn(model, mixture, clean)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimiser.step()
        step += 1
        if step % 100 == 0:
            with torch.no_grad():
                _, val_quality = loss_fn(model, val_mix, val_clean)
                before = si_sdr(val_mix, val_clean).mean()
            print(
                f"step {step} {time.time() - start:.0f} s loss {loss.item():.2f} "
                f"train SI-SDR {quality.item():.1f} "
                f"validation {before.item():.1f} -> {val_quality.item():.1f} dB",
                flush=True,
            )
            if val_quality.item() > best:
                best = val_quality.item()
                export(
                    model, args.out, f"step {step}, validation SI-SDR {before.item():.1f} -> {best:.1f} dB"
                )
    print(f"best validation SI-SDR {best:.1f} dB; weights in {args.out}")


if __name__ == "__main__":
    main()
