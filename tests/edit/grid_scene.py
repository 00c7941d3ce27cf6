"""A dialogue scene composited from real GRID recordings: two speakers, four takes.

ADAM (``bbaf2n``) and BETH (``brbk7n``) each say GRID sentences; every take is one continuous
recording of the whole scene at 25 fps, 640x360:

* ``T1_two.mp4``: side-by-side two-shot (MS), ADAM left, BETH right;
* ``T2_adam_cu.mp4`` / ``T3_beth_cu.mp4``: a close-up (CU) of one speaker, the face scaled up;
* ``T4_adam_cu_fast.mp4``: ADAM's close-up again, the whole scene played 1.25x faster.

T1-T3 are synchronised angles of one performance (sync group ``grid``). A speaker not talking
shows a still of their first frame. The coverage comes from the known composition; speech start and
end inside each clip come from webrtcvad on the clip's own sound.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import webrtcvad
from scipy.signal import resample_poly

from roughcut.edit.coverage import LineCoverage, LineInfo, SceneCoverage, TakeInfo, text_intensity
from roughcut.media import read_audio, read_frames
from tests.synthetic import write_take

RATE = Fraction(25)
WIDTH, HEIGHT = 640, 360
SAMPLE_RATE = 48_000
CLIPS = {"ADAM": "bbaf2n", "BETH": "brbk7n"}
#: Script order: who speaks each line.
SPEAKERS = ("ADAM", "ADAM", "BETH", "ADAM", "BETH", "BETH")
#: name, layout ("two" or the character in close-up), speed, sync group.
TAKES = (
    ("T1_two.mp4", "two", Fraction(1), "grid"),
    ("T2_adam_cu.mp4", "ADAM", Fraction(1), "grid"),
    ("T3_beth_cu.mp4", "BETH", Fraction(1), "grid"),
    ("T4_adam_cu_fast.mp4", "ADAM", Fraction(5, 4), None),
)


def _transcripts(grid: Path) -> dict[str, str]:
    rows = {}
    for line in (grid / "transcripts.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            name, text = line.split("\t")
            rows[Path(name).stem] = text
    return rows


def _speech_frames(samples16k: np.ndarray) -> tuple[int, int]:
    """First and last+1 video frame (25 fps) holding voice, by webrtcvad (30 ms frames, mode 3)."""
    vad = webrtcvad.Vad(3)
    pcm = (np.clip(samples16k, -1, 1) * 32767).astype(np.int16)
    step = 480
    voiced = [
        k for k in range(len(pcm) // step) if vad.is_speech(pcm[k * step : (k + 1) * step].tobytes(), 16_000)
    ]
    start, end = voiced[0] * Fraction(step, 16_000), (voiced[-1] + 1) * Fraction(step, 16_000)
    return math.floor(start * RATE), math.ceil(end * RATE)


def _close_up(image: np.ndarray) -> np.ndarray:
    crop = image[30:222, 60:300]  # the face, 240x192
    scaled = cv2.resize(crop, (450, 360), interpolation=cv2.INTER_LINEAR)
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    frame[:, 95:545] = scaled
    return frame


def _two_shot(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    frame[52:308, :320] = cv2.resize(left, (320, 256), interpolation=cv2.INTER_AREA)
    frame[52:308, 320:] = cv2.resize(right, (320, 256), interpolation=cv2.INTER_AREA)
    return frame


def build_grid_scene(grid: Path, out: Path) -> SceneCoverage:
    """Render the four takes into ``out`` and return their coverage."""
    out.mkdir(parents=True, exist_ok=True)
    texts = _transcripts(grid)
    pictures = {c: [f.image for f in read_frames(grid / f"{clip}.mpg")] for c, clip in CLIPS.items()}
    sounds = {
        c: read_audio(grid / f"{clip}.mpg", sample_rate=SAMPLE_RATE).samples for c, clip in CLIPS.items()
    }
    speech = {c: _speech_frames(read_audio(grid / f"{clip}.mpg").samples) for c, clip in CLIPS.items()}
    clip_frames = min(len(p) for p in pictures.values())
    lines = tuple(
        LineInfo(
            f"G.{i + 1}",
            who,
            texts[CLIPS[who]],
            text_intensity(texts[CLIPS[who]]),
            tuple(texts[CLIPS[who]].split()),
        )
        for i, who in enumerate(SPEAKERS)
    )
    takes, coverage = [], {}
    for name, layout, speed, group in TAKES:
        n_seg = round(clip_frames / speed)
        frames_out, sound_out = [], []
        for index, who in enumerate(SPEAKERS):
            for i in range(n_seg):
                source = min(clip_frames - 1, round(i * speed))
                shown = {c: pictures[c][source if c == who else 0] for c in CLIPS}
                if layout == "two":
                    frames_out.append(_two_shot(shown["ADAM"], shown["BETH"]))
                else:
                    frames_out.append(_close_up(shown[layout]))
            samples = resample_poly(sounds[who], speed.denominator, speed.numerator).astype(np.float32)
            need = n_seg * SAMPLE_RATE // 25
            sound_out.append(np.pad(samples[:need], (0, max(0, need - len(samples)))))
            start, end = speech[who]
            visible = ("ADAM", "BETH") if layout == "two" else (layout,)
            positions = {"ADAM": "left", "BETH": "right"} if layout == "two" else {layout: "centre"}
            line = lines[index]
            first, last = index * n_seg + math.floor(start / speed), index * n_seg + math.ceil(end / speed)
            coverage[(line.id, name)] = LineCoverage(
                line_id=line.id,
                take_name=name,
                start_frame=first,
                end_frame=last,
                speaker_visible=who in visible,
                speaker_on_screen_position=positions.get(who),
                visible_characters=visible,
                shot_size="MS" if layout == "two" else "CU",
                confidence=1.0,
                speech_rate=len(line.words) / float((last - first) / RATE),
            )
        path = out / name
        write_take(
            path,
            frames_out,
            np.concatenate(sound_out),
            sample_rate=SAMPLE_RATE,
            frame_rate=RATE,
            options={"crf": "26", "g": "25"},
        )
        takes.append(
            TakeInfo(
                name=name,
                path=path,
                frame_rate=RATE,
                width=WIDTH,
                height=HEIGHT,
                duration_frames=len(frames_out),
                shot_size="MS" if layout == "two" else "CU",
                characters_visible=("ADAM", "BETH") if layout == "two" else (layout,),
                screen_positions={"ADAM": "left", "BETH": "right"} if layout == "two" else {layout: "centre"},
                has_audio=True,
                sync_group=group,
            )
        )
    return SceneCoverage("G", lines, tuple(takes), coverage, characters=("ADAM", "BETH"))
