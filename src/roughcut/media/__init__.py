"""Media I/O on PyAV (FFmpeg's libraries inside the wheel; no ffmpeg binary).

* :func:`probe` reads what a file holds, with exact rational rates.
* :func:`read_frames` streams RGB frames at an analysis size and rate (scaled in YUV, then converted).
* :func:`read_audio` decodes a stream to 16 kHz mono float32 (or its native rate and channels).
* :func:`thumbnail` grabs one frame; :func:`fingerprint` recognises a file after a rename.
"""

from roughcut.media.audio import Audio, read_audio
from roughcut.media.fingerprint import fingerprint
from roughcut.media.frames import Frame, read_frames
from roughcut.media.probe import AudioStreamInfo, MediaInfo, VideoStreamInfo, probe
from roughcut.media.thumbnail import save_image, thumbnail

__all__ = [
    "Audio",
    "AudioStreamInfo",
    "Frame",
    "MediaInfo",
    "VideoStreamInfo",
    "fingerprint",
    "probe",
    "read_audio",
    "read_frames",
    "save_image",
    "thumbnail",
]
