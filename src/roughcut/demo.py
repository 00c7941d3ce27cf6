"""The built-in demo scene: a two-character dialogue shot as four takes, made offline.

Speech is synthesised by espeak-ng (two voices); the faces are two public-domain photographs shipped
inside installed wheels (scikit-image's ``astronaut.png``, Eileen Collins, and matplotlib's
``grace_hopper.jpg``), cut out with mediapipe's selfie segmentation, with the speaking face's mouth
opening with its speech's loudness. Each take has its field recording in ``sound/`` (the voices
without the camera's room tone, rolling before the camera): a Broadcast WAVE whose timecode is
jam-synced with the camera's, as a sound recordist's would be. Beside the media, ``truth.json``
records who speaks when (line and word times in seconds and samples), each take's shot size,
framing and people, and where each take starts in its field recording.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import av
import numpy as np

from roughcut.errors import RoughcutError
from roughcut.media.container import encode_audio
from roughcut.progress import new_progress

#: Bump when the scene changes: an existing demo folder with another version is rebuilt.
DEMO_VERSION = 4
MARKER = ".roughcut-demo"
FRAME_RATE = Fraction(24000, 1001)
WIDTH, HEIGHT = 1280, 720
SAMPLE_RATE = 48_000
SCRIPT_NAME = "clean_data.fountain"
#: The field recorder rolls this long (seconds) before each camera take, and stops 1 s after it.
FIELD_PREROLL_S = (1.5, 2.25, 0.75, 3.0)

TITLE = "Clean Data"
SCENE_HEADING = "INT. MISSION CONTROL - NIGHT"
SCENE_NUMBER = "1"
ACTION = (
    "Rows of dark consoles. NORA (30s) studies a telemetry screen. "
    "GRACE (70s), her mentor, watches from the next desk."
)
#: (character, parenthetical or "", line). Eight lines, alternating speakers.
LINES: tuple[tuple[str, str, str], ...] = (
    ("NORA", "", "The telemetry came back clean. Every reading is where it should be."),
    ("GRACE", "", "Clean data does not mean a clean flight. Who checked it?"),
    ("NORA", "", "I did. Twice. You taught me that."),
    ("GRACE", "", "Then check it a third time. The launch window closes at dawn."),
    ("NORA", "frustrated", "If we scrub tonight, we lose the whole season."),
    ("GRACE", "", "And if we fly blind, we lose a lot more than a season."),
    ("NORA", "", "Fine. One more pass. But you stay with me."),
    ("GRACE", "softly", "I was never going anywhere."),
)


@dataclass(frozen=True)
class Actor:
    """A character's photograph and voice."""

    character: str
    photo: str
    voice: str
    pitch: int


ACTORS = {
    "NORA": Actor("NORA", "astronaut", "en-us+f3", 62),
    "GRACE": Actor("GRACE", "grace_hopper", "en+f4", 32),
}


@dataclass(frozen=True)
class Placement:
    """Where an actor stands in a take: face centre as a fraction of the frame, face height ratio."""

    character: str
    x: float
    y: float
    face_height: float


@dataclass(frozen=True)
class TakePlan:
    """One take: its file name, framing, and performance (speech rates in words per minute)."""

    name: str
    shot_size: str
    placements: tuple[Placement, ...]
    rates: dict[str, int]
    pause: float
    lead_in: float
    long_pauses: dict[int, float]
    performance: str
    timecode: str


TAKES: tuple[TakePlan, ...] = (
    TakePlan(
        "A01_wide.mp4",
        "MS",
        (Placement("NORA", 0.32, 0.36, 0.20), Placement("GRACE", 0.68, 0.36, 0.20)),
        {"NORA": 160, "GRACE": 150},
        0.70,
        1.20,
        {},
        "normal",
        "01:00:00:00",
    ),
    TakePlan(
        "B01_nora_cu.mp4",
        "CU",
        (Placement("NORA", 0.42, 0.42, 0.42),),
        {"NORA": 158, "GRACE": 150},
        0.75,
        1.00,
        {},
        "normal",
        "01:05:00:00",
    ),
    TakePlan(
        "C01_grace_cu.mp4",
        "CU",
        (Placement("GRACE", 0.58, 0.42, 0.42),),
        {"NORA": 162, "GRACE": 146},
        0.70,
        1.40,
        {},
        "normal",
        "01:10:00:00",
    ),
    TakePlan(
        "B02_nora_cu_fast.mp4",
        "CU",
        (Placement("NORA", 0.42, 0.42, 0.42),),
        {"NORA": 205, "GRACE": 185},
        0.45,
        0.90,
        {4: 2.50},
        "fast, with a long pause before line 5",
        "01:15:00:00",
    ),
)


def fountain_script() -> str:
    """The demo scene as a Fountain screenplay."""
    parts = [
        f"Title: {TITLE}",
        "Credit: written by",
        "Author: the roughcut demo",
        "Draft date: 2026-11-25",
        "",
        f"{SCENE_HEADING} #{SCENE_NUMBER}#",
        "",
        ACTION,
        "",
    ]
    for character, parenthetical, text in LINES:
        parts.append(character)
        if parenthetical:
            parts.append(f"({parenthetical})")
        parts.extend([text, ""])
    parts.extend(["> CUT TO:", ""])
    return "\n".join(parts)


def line_id(index: int) -> str:
    """The stable id of the demo's line ``index`` (0-based): scene number, a dot, 1-based position."""
    return f"{SCENE_NUMBER}.{index + 1}"


# ----------------------------------------------------------------------------------------------
# Faces


@dataclass(frozen=True)
class _Face:
    rgba: np.ndarray  # photo with a person mask as alpha, padded below
    center: tuple[float, float]  # face centre (x, y) in photo pixels
    height: float  # forehead to chin in photo pixels
    mouth: tuple[float, float]  # inner-lip midpoint
    mouth_width: float
    chin_y: float


@cache
def _face(photo: str) -> _Face:
    import cv2
    import mediapipe as mp

    if photo == "astronaut":
        from skimage import data

        image = np.ascontiguousarray(data.astronaut()[..., :3])
    else:
        import matplotlib.cbook
        from PIL import Image

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as handle:
            image = np.asarray(Image.open(handle).convert("RGB"))
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True) as mesh:
        found = mesh.process(image).multi_face_landmarks
    if not found:
        raise RoughcutError(f"demo: no face found in the {photo} photograph")
    h, w = image.shape[:2]
    points = np.array([(p.x * w, p.y * h) for p in found[0].landmark])
    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        mask = segmenter.process(image).segmentation_mask
    alpha = np.clip((mask - 0.3) / 0.4, 0, 1)
    alpha = cv2.GaussianBlur(alpha.astype(np.float32), (5, 5), 0)
    rgba = np.dstack([image, (alpha * 255).astype(np.uint8)])
    # Extend the body below the photo's lower edge so it never floats in a frame.
    rgba = cv2.copyMakeBorder(rgba, 0, h, 0, 0, cv2.BORDER_REPLICATE)
    top, chin = points[10], points[152]
    upper, lower = points[13], points[14]
    return _Face(
        rgba=rgba,
        center=(float((top[0] + chin[0]) / 2), float((top[1] + chin[1]) / 2)),
        height=float(chin[1] - top[1]),
        mouth=(float((upper[0] + lower[0]) / 2), float((upper[1] + lower[1]) / 2)),
        mouth_width=float(np.linalg.norm(points[291] - points[61])),
        chin_y=float(chin[1]),
    )


#: Mouth shapes rendered per face: 0 closed to ``MOUTH_LEVELS - 1`` wide open.
MOUTH_LEVELS = 10


def _open_mouth(face: _Face, level: int) -> np.ndarray:
    """The face photo with the lower lip and jaw pulled down by ``level`` steps, mouth dark inside."""
    import cv2

    rgba = face.rgba
    if level == 0:
        return rgba
    amount = 0.42 * face.mouth_width * level / (MOUTH_LEVELS - 1)
    cx, cy = face.mouth
    half = 0.85 * face.mouth_width
    x0, x1 = int(cx - half), int(cx + half) + 1
    y0, y1 = int(cy), int(face.chin_y + 0.35 * face.mouth_width)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    across = np.clip(1 - ((xs - cx) / half) ** 2, 0, 1)
    down = np.clip((y1 - ys) / (y1 - y0) * 1.6, 0, 1)
    shift = amount * across * down
    out = rgba.copy()
    out[y0:y1, x0:x1] = cv2.remap(rgba, xs, ys - shift, cv2.INTER_LINEAR)
    scale = 16
    center = (int(cx * scale), int((cy + amount / 2) * scale))
    axes = (int(0.36 * face.mouth_width * scale), int(max(amount / 2, 0.5) * scale))
    cv2.ellipse(out, center, axes, 0, 0, 360, (52, 18, 24, 255), -1, cv2.LINE_AA, 4)
    return out


@dataclass
class _Sprite:
    """A face scaled for one take: premultiplied colour and inverse alpha per mouth level."""

    x: int
    y: int
    colour: list[np.ndarray]
    inverse_alpha: list[np.ndarray]


def _sprite(placement: Placement) -> _Sprite:
    import cv2

    face = _face(ACTORS[placement.character].photo)
    scale = placement.face_height * HEIGHT / face.height
    x = round(placement.x * WIDTH - face.center[0] * scale)
    y = round(placement.y * HEIGHT - face.center[1] * scale)
    colour, inverse = [], []
    for level in range(MOUTH_LEVELS):
        image = _open_mouth(face, level)
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        scaled = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        # Crop to the frame.
        left, top = max(0, -x), max(0, -y)
        right = min(scaled.shape[1], WIDTH - x)
        bottom = min(scaled.shape[0], HEIGHT - y)
        part = scaled[top:bottom, left:right].astype(np.float32)
        alpha = part[..., 3:] / 255.0
        colour.append(part[..., :3] * alpha)
        inverse.append(1.0 - alpha)
    return _Sprite(max(0, x), max(0, y), colour, inverse)


def _background(with_desk: bool) -> np.ndarray:
    """A dim control room: a graded wall, a row of glowing consoles, and a desk in the wide shot."""
    rng = np.random.default_rng(7)
    rows = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None, None]
    wall = (np.array([34, 42, 58], np.float32) * (1.15 - 0.5 * rows)).repeat(WIDTH, axis=1)
    image = wall + rng.normal(0, 2.0, wall.shape).astype(np.float32)
    for i in range(7):
        x0 = 40 + i * 180
        y0 = 120 + (i % 2) * 18
        glow = np.array([40, 120, 110] if i % 3 else [120, 90, 40], np.float32)
        image[y0 : y0 + 70, x0 : x0 + 130] = glow + rng.normal(0, 6, (70, 130, 3))
    if with_desk:
        image[int(HEIGHT * 0.74) :] = np.array([70, 58, 48], np.float32)
        image[int(HEIGHT * 0.74) : int(HEIGHT * 0.74) + 6] = np.array([110, 96, 80], np.float32)
    return image


# ----------------------------------------------------------------------------------------------
# Sound


@dataclass(frozen=True)
class _LineAudio:
    character: str
    samples: np.ndarray  # at SAMPLE_RATE, trimmed to the speech
    words: tuple[tuple[str, int], ...]  # (word, start sample from the trimmed start)


def _speak(character: str, text: str, rate: int) -> _LineAudio:
    from scipy.signal import resample_poly

    from roughcut.speech.synthesis import Voice, synthesize

    actor = ACTORS[character]
    speech = synthesize(text, Voice(actor.voice, rate=rate, pitch=actor.pitch))
    up, down = SAMPLE_RATE, speech.sample_rate
    divisor = np.gcd(up, down)
    samples = resample_poly(speech.samples, up // divisor, down // divisor).astype(np.float32)
    # Trim synthesis silence: speech is where a 10 ms window is within 40 dB of the line's peak.
    window = SAMPLE_RATE // 100
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    level = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    voiced = np.flatnonzero(level > level.max() - 40)
    start, end = voiced[0] * window, (voiced[-1] + 1) * window
    ratio = Fraction(SAMPLE_RATE, speech.sample_rate)
    event_at = {w.char_start: max(0, int(w.start_sample * ratio) - start) for w in speech.words}
    return _LineAudio(character, samples[start:end] * 0.7, _word_starts(text, event_at, end - start))


def _word_starts(text: str, event_at: dict[int, int], length: int) -> tuple[tuple[str, int], ...]:
    """Start sample of every word of ``text``. espeak-ng reports most words; a word it ran into its
    neighbour ("does not") shares that neighbour's span, split in proportion to the letters."""
    spans = [(m.start(), m.group().strip(".,!?;:\"'")) for m in re.finditer(r"\S+", text)]
    starts: list[int | None] = [event_at.get(position) for position, _ in spans]
    if starts[0] is None:
        starts[0] = 0
    i = 0
    while i < len(spans):
        if starts[i] is not None:
            i += 1
            continue
        first = i - 1
        last = i
        while last < len(spans) and starts[last] is None:
            last += 1
        end = starts[last] if last < len(spans) else length
        group = spans[first:last]
        letters = sum(len(word) for _, word in group)
        position = float(starts[first])
        for k, (_, word) in enumerate(group[:-1]):
            position += (end - starts[first]) * len(word) / letters
            starts[first + k + 1] = int(position)
        i = last
    return tuple((word, int(start)) for (_, word), start in zip(spans, starts, strict=True))


def _room_tone(n: int, seed: int) -> np.ndarray:
    """Pink-ish noise at about -62 dBFS RMS."""
    rng = np.random.default_rng(seed)
    white = rng.normal(0, 1, n).astype(np.float32)
    pink = np.cumsum(white) * 0.02
    pink -= np.convolve(pink, np.ones(2001) / 2001, mode="same")
    pink = pink / (np.sqrt((pink**2).mean()) + 1e-9)
    return (pink * 10 ** (-62 / 20)).astype(np.float32)


def _performance(plan: TakePlan) -> tuple[np.ndarray, dict[str, np.ndarray], list[dict[str, Any]]]:
    """The take's mixed sound, each character's own track (for the mouths) and the line truth."""
    lines = [_speak(c, text, plan.rates[c]) for c, _, text in LINES]
    position = round(plan.lead_in * SAMPLE_RATE)
    placed = []
    for index, line in enumerate(lines):
        position += round(plan.long_pauses.get(index, 0.0) * SAMPLE_RATE)
        placed.append((position, line))
        position += len(line.samples) + round(plan.pause * SAMPLE_RATE)
    total = position + SAMPLE_RATE
    samples_per_frame = Fraction(SAMPLE_RATE) / FRAME_RATE
    frames = int(Fraction(total) / samples_per_frame) + 1
    total = int(frames * samples_per_frame)
    tracks = {c: np.zeros(total, np.float32) for c in ACTORS}
    truth = []
    for index, (start, line) in enumerate(placed):
        end = start + len(line.samples)
        tracks[line.character][start:end] += line.samples
        words = []
        for k, (word, offset) in enumerate(line.words):
            word_end = line.words[k + 1][1] if k + 1 < len(line.words) else len(line.samples)
            words.append(
                {
                    "word": word,
                    "start": (start + offset) / SAMPLE_RATE,
                    "end": (start + word_end) / SAMPLE_RATE,
                }
            )
        truth.append(
            {
                "id": line_id(index),
                "character": line.character,
                "text": LINES[index][2],
                "start": start / SAMPLE_RATE,
                "end": end / SAMPLE_RATE,
                "start_sample": start,
                "end_sample": end,
                "words": words,
            }
        )
    seed = sum(ord(ch) for ch in plan.name)
    mix = sum(tracks.values()) + _room_tone(total, seed)
    return mix.astype(np.float32), tracks, truth


def _mouth_levels(track: np.ndarray, n_frames: int) -> np.ndarray:
    """Mouth level per video frame from the loudness of a character's own speech in that frame."""
    samples_per_frame = Fraction(SAMPLE_RATE) / FRAME_RATE
    levels = np.zeros(n_frames, np.int64)
    for i in range(n_frames):
        a, b = int(i * samples_per_frame), int((i + 1) * samples_per_frame)
        rms = float(np.sqrt((track[a:b] ** 2).mean())) if b > a else 0.0
        db = 20 * np.log10(rms + 1e-9)
        levels[i] = int(np.clip((db + 42) / 26, 0, 1) * (MOUTH_LEVELS - 1) + 0.5)
    return levels


# ----------------------------------------------------------------------------------------------
# Building


def _composite(background: np.ndarray, sprites: list[_Sprite], levels: list[int], desk: bool) -> np.ndarray:
    frame = background.copy()
    for sprite, level in zip(sprites, levels, strict=True):
        colour, inverse = sprite.colour[level], sprite.inverse_alpha[level]
        h, w = colour.shape[:2]
        region = frame[sprite.y : sprite.y + h, sprite.x : sprite.x + w]
        region *= inverse
        region += colour
    if desk:  # the desk stands in front of the actors
        top = int(HEIGHT * 0.74)
        frame[top:] = background[top:]
    return np.clip(frame, 0, 255).astype(np.uint8)


def _mouth_patches(
    background: np.ndarray, sprites: list[_Sprite], desk: bool
) -> tuple[np.ndarray, list[list[tuple[int, int, np.ndarray] | None]]]:
    """The frame with every mouth closed, and per sprite and level the small patch that differs."""
    closed = [0] * len(sprites)
    base = _composite(background, sprites, closed, desk)
    patches = []
    for index in range(len(sprites)):
        per_level: list[tuple[int, int, np.ndarray] | None] = [None]
        for level in range(1, MOUTH_LEVELS):
            levels = list(closed)
            levels[index] = level
            full = _composite(background, sprites, levels, desk)
            rows, cols = np.nonzero(np.any(full != base, axis=2))
            if rows.size == 0:
                per_level.append(None)
                continue
            y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
            per_level.append((int(y0), int(x0), full[y0:y1, x0:x1].copy()))
        patches.append(per_level)
    return base, patches


def _encode(path: Path, plan: TakePlan, mix: np.ndarray, tracks: dict[str, np.ndarray], bar, task) -> int:
    samples_per_frame = Fraction(SAMPLE_RATE) / FRAME_RATE
    n_frames = int(Fraction(len(mix)) / samples_per_frame)
    wide = len(plan.placements) > 1
    sprites = [_sprite(p) for p in plan.placements]
    levels = [_mouth_levels(tracks[p.character], n_frames) for p in plan.placements]
    base, patches = _mouth_patches(_background(with_desk=wide), sprites, desk=wide)
    bar.update(task, total=n_frames)
    with av.open(str(path), "w", format="mp4") as out:
        out.metadata["timecode"] = plan.timecode
        video = out.add_stream("libx264", rate=FRAME_RATE)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.options = {"crf": "20", "preset": "veryfast", "threads": "2"}
        video.metadata["timecode"] = plan.timecode
        audio = out.add_stream("aac", rate=SAMPLE_RATE)
        audio.layout = "mono"
        audio.bit_rate = 128_000
        for i in range(n_frames):
            frame = base.copy()
            for per_level, mouth in zip(patches, levels, strict=True):
                patch = per_level[mouth[i]]
                if patch is not None:
                    y, x, pixels = patch
                    frame[y : y + pixels.shape[0], x : x + pixels.shape[1]] = pixels
            picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
            picture.pts = i
            out.mux(video.encode(picture))
            bar.advance(task)
        out.mux(video.encode())
        encode_audio(out, audio, mix)
    return n_frames


def _field_recording(
    path: Path, tracks: dict[str, np.ndarray], preroll_s: float, seed: int, camera_timecode: str
) -> Fraction:
    """The sound recordist's file of a take: the voices on close mics, cleaner than the camera's
    scratch track (room tone 10 dB lower), rolling ``preroll_s`` seconds before the camera, its
    timecode jam-synced with the camera's (a Broadcast WAVE time reference). Returns when it
    started (seconds since midnight)."""
    from roughcut.audio.files import write_audio
    from roughcut.media.rates import frame_to_seconds, timecode_to_frame

    voices = sum(tracks.values())
    before, after = round(preroll_s * SAMPLE_RATE), SAMPLE_RATE
    total = before + len(voices) + after
    recording = _room_tone(total, seed + 1) * 10 ** (-10 / 20)
    recording[before : before + len(voices)] += voices
    camera_frame = timecode_to_frame(camera_timecode, FRAME_RATE)
    assert camera_frame is not None, camera_timecode
    started = frame_to_seconds(camera_frame, FRAME_RATE) - Fraction(preroll_s)
    write_audio(path, recording, SAMPLE_RATE, force=True, time_of_day_s=started)
    return started


def _take_truth(plan: TakePlan, lines: list[dict[str, Any]], n_frames: int) -> dict[str, Any]:
    people = []
    for p in plan.placements:
        face = _face(ACTORS[p.character].photo)
        height = p.face_height * HEIGHT
        width = height * 0.8
        people.append(
            {
                "character": p.character,
                "face_center": [p.x, p.y],
                "face_height_ratio": p.face_height,
                "face_box": [
                    round(p.x * WIDTH - width / 2),
                    round(p.y * HEIGHT - height / 2),
                    round(width),
                    round(height),
                ],
                "screen_position": "left" if p.x < 1 / 3 else "right" if p.x > 2 / 3 else "centre",
                "photo": ACTORS[p.character].photo,
                "mouth_width_px": round(face.mouth_width * height / face.height, 1),
            }
        )
    visible = {p.character for p in plan.placements}
    for line in lines:
        line["speaker_visible"] = line["character"] in visible
    return {
        "file": f"takes/{plan.name}",
        "shot_size": plan.shot_size,
        "people": people,
        "performance": plan.performance,
        "rates_wpm": plan.rates,
        "timecode": plan.timecode,
        "frames": n_frames,
        "duration": n_frames / float(FRAME_RATE),
        "lines": lines,
    }


def _check_destination(out: Path) -> bool:
    """True when ``out`` already holds this version of the demo; refuses a folder the user made."""
    marker = out / MARKER
    if marker.exists():
        return marker.read_text().strip() == str(DEMO_VERSION) and (out / "truth.json").exists()
    if out.exists() and any(out.iterdir()):
        raise RoughcutError(f"{out}: folder exists and is not a roughcut demo; choose an empty or new folder")
    return False


def build_demo(out: str | Path, *, rebuild: bool = False) -> Path:
    """Build the demo project into ``out`` (offline); returns the folder. The words and their times
    are the same in every build; espeak-ng's voices vary a little (it draws noise from the clock).

    An existing demo of this version is kept unless ``rebuild``; a folder that holds anything else
    is refused, so nothing a user made is overwritten.
    """
    out = Path(out)
    if _check_destination(out) and not rebuild:
        return out
    if (out / MARKER).exists():
        for name in ("takes", "sound", "truth.json", SCRIPT_NAME):
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    (out / "takes").mkdir(parents=True, exist_ok=True)
    (out / "sound").mkdir(exist_ok=True)
    (out / MARKER).write_text(f"{DEMO_VERSION}\n")
    (out / SCRIPT_NAME).write_text(fountain_script(), encoding="utf-8")
    truth: dict[str, Any] = {
        "version": DEMO_VERSION,
        "script": SCRIPT_NAME,
        "frame_rate": f"{FRAME_RATE.numerator}/{FRAME_RATE.denominator}",
        "frame_size": [WIDTH, HEIGHT],
        "sample_rate": SAMPLE_RATE,
        "characters": {name: {"photo": actor.photo, "voice": actor.voice} for name, actor in ACTORS.items()},
        "time_convention": "seconds from the first decoded audio sample = first video frame",
        "takes": [],
    }
    with new_progress() as bar:
        for plan, preroll_s in zip(TAKES, FIELD_PREROLL_S, strict=True):
            task = bar.add_task(f"Shooting {plan.name}", total=None)
            mix, tracks, lines = _performance(plan)
            n_frames = _encode(out / "takes" / plan.name, plan, mix, tracks, bar, task)
            sound = f"sound/{Path(plan.name).stem}.wav"
            started = _field_recording(
                out / sound, tracks, preroll_s, sum(ord(ch) for ch in plan.name), plan.timecode
            )
            take_truth = _take_truth(plan, lines, n_frames)
            take_truth["sound"] = {"file": sound, "offset_s": preroll_s, "time_of_day_s": str(started)}
            truth["takes"].append(take_truth)
    (out / "truth.json").write_text(json.dumps(truth, indent=2), encoding="utf-8")
    return out


def load_truth(project_dir: str | Path) -> dict[str, Any]:
    """The ground truth written beside a demo project (read by :mod:`roughcut.edit.coverage`)."""
    from roughcut.edit.coverage import load_truth as read

    return read(project_dir)
