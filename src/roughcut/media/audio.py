"""Audio decoding to analysis rate (16 kHz mono float32) or the native rate, with exact positions.

Time convention: sample 0 of the returned array is the first sample the decoder outputs. Decoders
drop codec priming (MP3 encoder delay signalled in the LAME/Xing header, AAC priming signalled by an
MP4 edit list), so sample 0 is the first sample of the programme, not of the priming. Where the
container places that first sample is kept in :attr:`Audio.start_time` (seconds), so a caller can put
the audio on the container's timeline (``start_time - video.start_time``) or ignore it, as recordings
compared with each other (sync) do.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from roughcut.errors import MediaError
from roughcut.media.container import open_media

#: Sample rate in Hz used by every speech analysis (VAD, alignment, recognition).
ANALYSIS_RATE = 16_000


@dataclass(frozen=True)
class Audio:
    """Decoded audio: ``samples`` float32 at full scale 1.0, ``(n,)`` mono or ``(channels, n)``.

    Mono is the mean of the channels, so dual-mono sound keeps its level.
    """

    samples: np.ndarray
    sample_rate: int
    start_time: Fraction

    @property
    def num_samples(self) -> int:
        return int(self.samples.shape[-1])

    @property
    def duration(self) -> Fraction:
        """Length in exact seconds."""
        return Fraction(self.num_samples, self.sample_rate)


def read_audio(
    path: str | Path,
    *,
    sample_rate: int | None = ANALYSIS_RATE,
    mono: bool = True,
    stream: int = 0,
) -> Audio:
    """Decode audio stream number ``stream`` of ``path``.

    ``sample_rate`` in Hz (``None`` keeps the native rate); ``mono`` mixes all channels down,
    otherwise the result is ``(channels, n)``. Raises :class:`~roughcut.errors.MediaError` naming the
    file when it has no such audio stream or cannot be decoded.
    """
    path = Path(path)
    with open_media(path) as container:
        if len(container.streams.audio) <= stream:
            raise MediaError(path, "has no audio stream" if stream == 0 else f"has no audio stream {stream}")
        audio_stream = container.streams.audio[stream]
        native_rate = audio_stream.codec_context.sample_rate
        rate = sample_rate or native_rate
        # Channels are resampled as they are and averaged afterwards: FFmpeg's own stereo-to-mono
        # matrix adds channels at -3 dB each, which lifts dual-mono camera sound by 3 dB.
        layout = audio_stream.codec_context.layout.name
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        chunks: list[np.ndarray] = []
        first_pts: Fraction | None = None
        try:
            for frame in container.decode(audio_stream):
                if first_pts is None and frame.pts is not None:
                    first_pts = Fraction(frame.pts) * frame.time_base
                chunks.extend(out.to_ndarray() for out in resampler.resample(frame))
            chunks.extend(out.to_ndarray() for out in resampler.resample(None))
        except av.error.FFmpegError as exc:
            decoded = sum(c.shape[-1] for c in chunks) / rate
            raise MediaError(path, f"audio decoding failed after {decoded:.2f} s ({exc})") from exc
        channels = audio_stream.codec_context.channels
        samples = (
            np.concatenate(chunks, axis=1).astype(np.float32, copy=False)
            if chunks
            else np.zeros((channels, 0), np.float32)
        )
        if mono:
            samples = samples.mean(axis=0, dtype=np.float32)
        return Audio(
            samples=np.ascontiguousarray(samples),
            sample_rate=rate,
            start_time=first_pts or Fraction(0),
        )
