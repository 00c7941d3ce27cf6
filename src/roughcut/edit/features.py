"""The coverage as numpy arrays over lines × takes, built once per scene and shared by every idiom."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from roughcut.edit.coverage import SCREEN_POSITIONS, SHOT_SIZES, LineCoverage, SceneCoverage, shot_size_index

#: Position code of a character not in frame.
OFF_SCREEN = 9
#: Share of the voice's arousal in the scene's emotional arc (the rest is the text's intensity).
VOICE_SHARE = 0.5


@dataclass(frozen=True, eq=False)
class Features:
    """Arrays over ``L`` lines (script order) and ``T`` takes (coverage order).

    ``size``: shot size index (0 = ECU … 6 = ELS) per (line, take), ``nan`` where not covered.
    ``tightness``: 1 for the tightest size available in the scene, 0 for the widest.
    ``visible``: bit mask of visible characters per (line, take) (bit ``c`` = ``characters[c]``).
    ``position``: per (line, take, character) -1 left, 0 centre, 1 right, :data:`OFF_SCREEN`.
    ``speech_seconds``: median length of each line's speech over the takes that hold it.
    ``speech_rate``: words per second per (line, take), ``nan`` where not covered.
    ``pause_after``: seconds from the end of line ``l`` to the start of line ``l + 1`` in each take,
    ``nan`` where the take lacks one of them.
    ``intensity``: the text's emotional intensity per line, 0..1 (VADER, :mod:`roughcut.text.sentiment`).
    ``arousal``: the voice's arousal per (line, take), 0..1 (pitch and energy against the speaker's own
    range, :mod:`roughcut.audio.prosody`), ``nan`` where not measured.
    ``arc``: the scene's emotional arc per line, 0..1: the mean of the text's intensity and the voice's
    median arousal over the takes (the text alone where no voice was measured).
    ``confidence``: the alignment's confidence per (line, take), 0..1.
    ``speaker_confidence``: how sure the picture's speaker labels are per (line, take), 0..1, ``nan``
    where not measured.
    ``sharpness``: each take's picture sharpness inside faces (variance of the Laplacian), ``nan``
    where not measured.
    ``line_seconds``: the line's speech per (line, take) in seconds; ``split_seconds``: where the line
    may be split (a pause, the one nearest the middle), seconds after its speech starts, ``nan`` where
    the take shows no pause in it.
    """

    line_ids: tuple[str, ...]
    take_names: tuple[str, ...]
    characters: tuple[str, ...]
    covered: np.ndarray  # bool [L, T]
    size: np.ndarray  # float [L, T]
    tightness: np.ndarray  # float [L, T]
    speaker: np.ndarray  # int [L]
    speaker_visible: np.ndarray  # bool [L, T]
    visible: np.ndarray  # int64 [L, T]
    position: np.ndarray  # int8 [L, T, C]
    speech_seconds: np.ndarray  # float [L]
    speech_rate: np.ndarray  # float [L, T]
    intensity: np.ndarray  # float [L]
    confidence: np.ndarray  # float [L, T]
    pause_after: np.ndarray  # float [L, T]
    arousal: np.ndarray  # float [L, T]
    arc: np.ndarray  # float [L]
    speaker_confidence: np.ndarray  # float [L, T]
    sharpness: np.ndarray  # float [T]
    line_seconds: np.ndarray  # float [L, T]
    split_seconds: np.ndarray  # float [L, T]

    @property
    def speaking_characters(self) -> int:
        """Bit mask of every character who speaks in the scene."""
        mask = 0
        for index in set(self.speaker.tolist()):
            mask |= 1 << int(index)
        return mask

    @property
    def shape(self) -> tuple[int, int]:
        return self.covered.shape


_CACHE: weakref.WeakKeyDictionary[SceneCoverage, Features] = weakref.WeakKeyDictionary()


def scene_features(coverage: SceneCoverage) -> Features:
    """The arrays of ``coverage``, built once per coverage object and cached while it lives."""
    cached = _CACHE.get(coverage)
    if cached is None:
        cached = _build(coverage)
        _CACHE[coverage] = cached
    return cached


def _build(coverage: SceneCoverage) -> Features:
    lines, takes = coverage.lines, coverage.takes
    characters = coverage.all_characters()
    char_index = {c: i for i, c in enumerate(characters)}
    n_lines, n_takes, n_chars = len(lines), len(takes), len(characters)
    covered = np.zeros((n_lines, n_takes), bool)
    size = np.full((n_lines, n_takes), np.nan)
    speaker_visible = np.zeros((n_lines, n_takes), bool)
    visible = np.zeros((n_lines, n_takes), np.int64)
    position = np.full((n_lines, n_takes, n_chars), OFF_SCREEN, np.int8)
    speech_rate = np.full((n_lines, n_takes), np.nan)
    confidence = np.zeros((n_lines, n_takes))
    seconds = np.full((n_lines, n_takes), np.nan)
    arousal = np.full((n_lines, n_takes), np.nan)
    speaker_confidence = np.full((n_lines, n_takes), np.nan)
    split_seconds = np.full((n_lines, n_takes), np.nan)
    code = {name: k - 1 for k, name in enumerate(SCREEN_POSITIONS)}
    for li, line in enumerate(lines):
        for ti, take in enumerate(takes):
            item = coverage.coverage.get((line.id, take.name))
            if item is None or item.end_frame <= item.start_frame:
                continue
            covered[li, ti] = True
            size[li, ti] = shot_size_index(item.shot_size)
            speaker_visible[li, ti] = item.speaker_visible
            for name in item.visible_characters:
                ci = char_index[name]
                visible[li, ti] |= 1 << ci
                where = item.speaker_on_screen_position if name == line.character else None
                where = where or take.screen_positions.get(name)
                if where in code:
                    position[li, ti, ci] = code[where]
            speech_rate[li, ti] = item.speech_rate
            confidence[li, ti] = item.confidence
            seconds[li, ti] = float((item.end_frame - item.start_frame) / take.frame_rate)
            if item.arousal is not None:
                arousal[li, ti] = float(item.arousal)
            if item.speaker_confidence is not None:
                speaker_confidence[li, ti] = float(item.speaker_confidence)
            split = split_frame(item)
            if split is not None:
                split_seconds[li, ti] = float((split - item.start_frame) / take.frame_rate)
    sizes = size[covered]
    low, high = (sizes.min(), sizes.max()) if sizes.size else (0.0, float(len(SHOT_SIZES) - 1))
    span = max(high - low, 1.0)
    tightness = np.where(covered, (high - size) / span, 0.0)
    pause_after = np.full((n_lines, n_takes), np.nan)
    for li in range(n_lines - 1):
        for ti, take in enumerate(takes):
            a = coverage.coverage.get((lines[li].id, take.name))
            b = coverage.coverage.get((lines[li + 1].id, take.name))
            if a is not None and b is not None:
                pause_after[li, ti] = float((b.start_frame - a.end_frame) / take.frame_rate)
    speech_seconds = np.array(
        [float(np.median(row[ok])) if ok.any() else 0.0 for row, ok in zip(seconds, covered, strict=True)]
    )
    intensity = np.array([float(line.intensity) for line in lines])
    voice = np.array(
        [float(np.median(row[~np.isnan(row)])) if (~np.isnan(row)).any() else np.nan for row in arousal]
    )
    arc = np.where(
        np.isnan(voice), intensity, (1 - VOICE_SHARE) * intensity + VOICE_SHARE * np.nan_to_num(voice)
    )
    sharpness = np.array([np.nan if t.sharpness is None else float(t.sharpness) for t in takes])
    return Features(
        line_ids=tuple(line.id for line in lines),
        take_names=tuple(take.name for take in takes),
        characters=characters,
        covered=covered,
        size=size,
        tightness=tightness,
        speaker=np.array([char_index[line.character] for line in lines], np.int64),
        speaker_visible=speaker_visible,
        visible=visible,
        position=position,
        speech_seconds=speech_seconds,
        speech_rate=speech_rate,
        intensity=intensity,
        confidence=confidence,
        pause_after=pause_after,
        arousal=arousal,
        arc=np.clip(arc, 0.0, 1.0),
        speaker_confidence=speaker_confidence,
        sharpness=sharpness,
        line_seconds=np.where(covered, seconds, np.nan),
        split_seconds=split_seconds,
    )


def split_frame(item: LineCoverage) -> int | None:
    """The frame where ``item``'s line may be split into a speaker and a listener part: the middle of
    the pause inside it nearest the line's middle (the longer pause on a tie); ``None`` without one."""
    middle = (item.start_frame + item.end_frame) / 2
    best = None
    for start, end in item.pauses:
        if not item.start_frame < start <= end < item.end_frame:
            continue
        key = (abs((start + end) / 2 - middle), -(end - start))
        if best is None or key < best[0]:
            best = (key, (start + end) // 2)
    return None if best is None else best[1]


#: Fields of :class:`Features` that are per take, not per line.
_TAKE_FIELDS = frozenset({"take_names", "characters", "sharpness"})


def select_lines(features: Features, rows: np.ndarray, *, pauses: bool = True) -> Features:
    """``features`` of the lines ``rows`` (indices, repeats allowed) in that order. Without ``pauses``
    the pauses after the lines are unknown (``nan``), as between the two parts of one split line."""
    values = {}
    for name in Features.__dataclass_fields__:
        value = getattr(features, name)
        if name == "line_ids":
            value = tuple(value[i] for i in rows)
        elif name not in _TAKE_FIELDS and isinstance(value, np.ndarray):
            value = value[rows]
        values[name] = value
    if not pauses:
        values["pause_after"] = np.full_like(values["pause_after"], np.nan)
    return Features(**values)
