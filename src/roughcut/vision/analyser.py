"""The narrow interface every per-frame analysis implements, and the one pass that feeds them all.

Like PySceneDetect's ``SceneDetector``: one required per-frame method and a ``post_process`` that
returns the result. :func:`run_pass` decodes a take once (in a background thread, so decoding and
analysis overlap on two cores) and hands each kept frame to every analyser in turn.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from roughcut.media import Frame

#: Decoded frames waiting for the analysers; bounds memory whatever the take's length.
QUEUE_FRAMES = 4


class FrameAnalyser(ABC):
    """One analysis fed frame by frame: ``process_frame`` for each kept frame, then ``post_process``."""

    @abstractmethod
    def process_frame(self, frame: Frame) -> None:
        """Look at one analysis frame (RGB uint8, ``frame.index`` the native frame number)."""

    @abstractmethod
    def post_process(self) -> Any:
        """The analysis result once every frame was seen."""


_END = object()


def _prefetch(frames: Iterable[Frame]) -> Iterator[Frame]:
    """Iterate ``frames`` in a background thread, ``QUEUE_FRAMES`` ahead; re-raises its errors here."""
    buffer: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        buffer.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_END)
        except BaseException as exc:  # handed to the consumer
            buffer.put(exc)

    worker = threading.Thread(target=produce, name="roughcut-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def run_pass(
    frames: Iterable[Frame], analysers: Sequence[FrameAnalyser], *, prefetch: bool = True
) -> list[Any]:
    """Feed every frame to every analyser once; returns their ``post_process`` results in order."""
    source = _prefetch(frames) if prefetch else iter(frames)
    for frame in source:
        for analyser in analysers:
            analyser.process_frame(frame)
    return [analyser.post_process() for analyser in analysers]
