"""Face and speaker analysers are registered in one place and the take analysis uses the default."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from roughcut.errors import ConfigError
from roughcut.media import Frame
from roughcut.vision import analyser as registry
from roughcut.vision.analyser import FrameAnalyser
from roughcut.vision.faces import FaceResult


class _CountingFaces(FrameAnalyser):
    """A face analyser that finds nobody and counts the frames it was shown."""

    seen: ClassVar[list[int]] = []

    def __init__(self, *, native_rate: float) -> None:
        self.native_rate = native_rate

    def process_frame(self, frame: Frame) -> None:
        _CountingFaces.seen.append(frame.index)

    def post_process(self) -> FaceResult:
        return FaceResult(tracks=(), face_sharpness=None)


def test_a_registered_face_analyser_replaces_the_default(media_dir: Path) -> None:
    from roughcut.vision.take import analyze_take

    assert registry.analysers() == {"face": ["mediapipe"], "speaker": ["light-asd"]}
    assert registry.face_analyser().__name__ == "FaceAnalyser"
    calls = []

    def speakers(path, tracks, *, frame_rate, frame_count, frame_size):  # type: ignore[no-untyped-def]
        calls.append((frame_rate, frame_count, frame_size))
        return tracks, ["decided by the test"]

    registry.register_face_analyser("counting", _CountingFaces, default=True)
    registry.register_speaker_analyser("test", speakers, default=True)
    try:
        vision = analyze_take(media_dir / "grid" / "bbaf2n.mpg")
        assert len(_CountingFaces.seen) > 10 and not vision.tracks
        assert calls and calls[0][0] == 25 and calls[0][2] == (360, 288)
        with pytest.raises(ConfigError, match="registered already"):
            registry.register_face_analyser("counting", _CountingFaces)
    finally:
        for kind, default in ((registry._FACES, "mediapipe"), (registry._SPEAKERS, "light-asd")):
            kind.default = default
        del registry._FACES.entries["counting"], registry._SPEAKERS.entries["test"]
    with pytest.raises(ConfigError, match="unknown face analyser 'nope'; face analysers: mediapipe"):
        registry.face_analyser("nope")
