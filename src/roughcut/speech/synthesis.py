"""Speech synthesis with espeak-ng, loaded from the ``espeakng-loader`` wheel through ctypes.

No system package is needed. Besides the samples, espeak-ng reports where each word starts in its
output, which the demo scene keeps as ground truth for alignment tests.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_WORD = 1
_EVENT_SENTENCE = 2
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_RATE, _VOLUME, _PITCH, _RANGE, _WORDGAP = 1, 2, 3, 4, 7
_PHONEMES_IPA = 2


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: ``name`` such as ``"en-us+f3"``, ``rate`` in words per minute,
    ``pitch`` and ``pitch_range`` from 0 to 100."""

    name: str = "en-us"
    rate: int = 165
    pitch: int = 50
    pitch_range: int = 50


@dataclass(frozen=True)
class SpokenWord:
    """A word of the text and where espeak-ng says it starts in the output, in samples.

    ``char_start`` is the word's character offset in the text (0-based).
    """

    text: str
    char_start: int
    start_sample: int


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: mono float32 ``samples`` at ``sample_rate`` Hz, and its words."""

    samples: np.ndarray
    sample_rate: int
    words: tuple[SpokenWord, ...]


class _Engine:
    """The process-wide espeak-ng instance (the library keeps global state)."""

    _lock = threading.Lock()
    _instance: _Engine | None = None

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_parent, 0)
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise from the espeakng-loader wheel")
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int]] = []
        self._callback = _Callback(self._on_audio)
        self.lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def get(cls) -> _Engine:
        if cls._instance is None:
            cls._instance = _Engine()
        return cls._instance

    def _on_audio(self, wav, count, events) -> int:  # type: ignore[no-untyped-def]
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != 0:  # espeakEVENT_LIST_TERMINATED
            event = events[i]
            if event.type == _EVENT_WORD:
                self._events.append((event.text_position, event.length, event.sample))
            i += 1
        return 0

    def speak(self, text: str, voice: Voice) -> Speech:
        if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
            raise ValueError(f"espeak-ng has no voice {voice.name!r}")
        for parameter, value in (
            (_RATE, voice.rate),
            (_PITCH, voice.pitch),
            (_RANGE, voice.pitch_range),
            (_VOLUME, 100),
        ):
            self.lib.espeak_SetParameter(parameter, int(value), 0)
        self._chunks, self._events = [], []
        encoded = text.encode("utf-8")
        buffer = ctypes.create_string_buffer(encoded)
        status = self.lib.espeak_Synth(
            buffer, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != 0:
            raise RuntimeError(f"espeak-ng could not synthesise {text!r} (status {status})")
        self.lib.espeak_Synchronize()
        pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        samples = pcm.astype(np.float32) / 32768.0
        words = []
        char_of_byte = _byte_to_char_index(text)
        for position, length, sample in self._events:
            # espeak-ng counts text positions from 1, in bytes of the UTF-8 text.
            start = char_of_byte.get(position - 1, position - 1)
            end = char_of_byte.get(position - 1 + length, start + length)
            words.append(SpokenWord(text=text[start:end], char_start=start, start_sample=sample))
        return Speech(samples=samples, sample_rate=self.sample_rate, words=tuple(words))

    def phonemes(self, text: str, voice: str) -> str:
        """IPA of ``text`` from espeak-ng's dictionary and letter-to-sound rules, clause by clause."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"espeak-ng has no voice {voice!r}")
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses = []
        while pointer.value:
            out = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA)
            if out:
                clauses.append(out.decode("utf-8"))
        return " ".join(clauses)


def _byte_to_char_index(text: str) -> dict[int, int]:
    mapping, offset = {}, 0
    for index, char in enumerate(text):
        mapping[offset] = index
        offset += len(char.encode("utf-8"))
    mapping[offset] = len(text)
    return mapping


def synthesize(text: str, voice: Voice = Voice()) -> Speech:
    """Speak ``text`` with ``voice``; returns mono float32 samples at espeak-ng's rate (22 050 Hz)."""
    with _Engine._lock:
        return _Engine.get().speak(text, voice)


def phonemes(text: str, voice: str = "en-us") -> str:
    """The IPA pronunciation espeak-ng gives ``text`` in ``voice``'s language (stress marks kept)."""
    with _Engine._lock:
        return _Engine.get().phonemes(text, voice)
