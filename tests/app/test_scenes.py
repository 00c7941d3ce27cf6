"""Every scene of a screenplay: takes placed in their scenes by the lines heard in them, each scene
cut, and the sequence of all scenes in script order, on real recordings.

The project is written here: a three-scene Fountain screenplay whose scene 1 lines are the sentences
two real GRID speakers say (``lbbc2a``, ``pwij3p``), scene 2's those of two others (``lrwp9a``,
``sbwe5n``), and scene 3 a line nobody recorded. Each clip is a take. Scene 1's takes lie in a
folder ``scene 1/`` (a name that agrees with their lines); scene 2's in ``takes/``, one of them
named ``sc1_tk9.mpg`` (a slate that says scene 1 while the take holds scene 2's line: the lines
win). The truth is GRID's own transcripts (``grid/transcripts.tsv``), not anything roughcut made.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import opentimelineio as otio
import pytest

from roughcut.store import Store

SCRIPT = """Title: Two rooms

INT. KITCHEN - DAY

ANNA
{lbbc2a}

BEN
{pwij3p}

EXT. GARDEN - NIGHT

CARA
{lrwp9a}

DAN
{sbwe5n}

INT. ATTIC - NIGHT

ANNA
Nobody ever filmed this scene at all.
"""
#: Take (path in the project) → GRID clip, and the scene and line whose words the clip says.
TAKES = {
    "scene 1/lbbc2a.mpg": ("lbbc2a", "1", "1.1"),
    "scene 1/pwij3p.mpg": ("pwij3p", "1", "1.2"),
    "takes/lrwp9a.mpg": ("lrwp9a", "2", "2.1"),
    "takes/sc1_tk9.mpg": ("sbwe5n", "2", "2.2"),
}
FORMATS = ["otio", "fcp7", "edl", "srt", "html"]


def _sentence(transcript: str) -> str:
    """A GRID sentence as a screenwriter (and Whisper) writes it: ``lay blue by C2 again.``"""
    digits = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    words = transcript.split()
    letter, digit = words[3], str(digits.index(words[4]))
    return " ".join([*words[:3], f"{letter.upper()}{digit}", *words[5:]]).capitalize() + "."


@pytest.fixture(scope="module")
def two_scene_project(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    grid = media_dir / "grid"
    transcripts = {}
    for row in (grid / "transcripts.tsv").read_text().splitlines()[1:]:
        name, text = row.split("\t")
        transcripts[Path(name).stem] = text
    root = tmp_path_factory.mktemp("scenes") / "two_rooms"
    for take, (clip, _, _) in TAKES.items():
        (root / take).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(grid / f"{clip}.mpg", root / take)
    lines = {clip: _sentence(transcripts[clip]) for clip, _, _ in TAKES.values()}
    (root / "two_rooms.fountain").write_text(SCRIPT.format(**lines))
    return root


@pytest.fixture(scope="module")
def scenes_run(two_scene_project: Path, tmp_path_factory: pytest.TempPathFactory):
    from roughcut.app import run_pipeline

    work = tmp_path_factory.mktemp("scenes_run")
    store = Store(work / "store.sqlite")
    result = run_pipeline(two_scene_project, store=store, out_dir=work / "out")
    store.close()
    result.store_path = work / "store.sqlite"
    return result


def test_every_take_lands_in_its_scene(scenes_run) -> None:
    placed = scenes_run.scenes.scene_takes
    for take, (_, scene, _) in TAKES.items():
        assert take in placed[scene], (take, placed)
    assert placed["3"] == ()
    assert sum(len(takes) for takes in placed.values()) == len(TAKES)
    # The slate said scene 1; the line heard in it is scene 2's: the user is told.
    assert any("takes/sc1_tk9.mpg: its name says scene 1" in note for note in scenes_run.scenes.notes)


def test_both_scenes_are_cut_from_their_own_takes(scenes_run) -> None:
    edits = scenes_run.scenes.scenes
    assert list(edits) == ["1", "2"]
    speaker_of = {line: take for take, (_, _, line) in TAKES.items()}
    for number, edit in edits.items():
        assert edit.cut.scene == number
        assert [line.line_id for line in edit.cut.lines] == [f"{number}.1", f"{number}.2"]
        for line in edit.cut.lines:
            assert line.take == speaker_of[line.line_id], line
        assert not edit.cut.gaps
        assert edit.paths["otio"].name == f"scene_{number}.otio"
        assert not any(edit.round_trip.values()), edit.round_trip


def test_the_uncovered_scene_is_named_in_the_output_and_the_report(scenes_run) -> None:
    said = "scene 3 (INT. ATTIC - NIGHT): no take holds its line; not cut"
    assert scenes_run.scenes.uncovered == (said,)
    assert said in scenes_run.problems
    report = scenes_run.scenes.sequence.paths["html"].read_text()
    assert "scene 3 (INT. ATTIC - NIGHT)" in report


def test_the_sequence_plays_every_scene_in_script_order(scenes_run) -> None:
    edits = scenes_run.scenes.scenes
    sequence = scenes_run.scenes.sequence
    assert sequence is not None and sequence.paths["otio"].name == "sequence.otio"
    assert not any(sequence.round_trip.values()), sequence.round_trip
    read = otio.adapters.read_from_file(str(sequence.paths["otio"]))
    picture = next(t for t in read.tracks if t.kind == otio.schema.TrackKind.Video)
    sound = next(t for t in read.tracks if t.kind == otio.schema.TrackKind.Audio)
    takes = [clip.metadata["roughcut"]["take"] for clip in picture.find_clips()]
    assert takes == list(TAKES)  # scene 1's two takes, then scene 2's
    lengths = [max(round(t.duration().value) for t in e.timeline.tracks) for e in edits.values()]
    assert round(picture.duration().value) == round(sound.duration().value) == sum(lengths)
    lines = read.metadata["roughcut"]["lines"]
    assert [line["id"] for line in lines] == ["1.1", "1.2", "2.1", "2.2"]
    scene2 = {line.line_id: line for line in edits["2"].cut.lines}
    for line in lines[2:]:
        assert line["record_in"] == lengths[0] + scene2[line["id"]].record_in
    # Each line's words sit where the sequence's picture shows its take.
    for line in lines:
        shown = picture.child_at_time(otio.opentime.RationalTime(line["speech_in"], picture.duration().rate))
        assert shown.metadata["roughcut"]["take"] == line["take"]
    # Another reader: the FCP7 XML of the sequence has the four shots in that order.
    fcp = otio.adapters.read_from_file(str(sequence.paths["fcp7"]), adapter_name="fcp_xml")
    video = next(t for t in fcp.tracks if t.kind == otio.schema.TrackKind.Video)
    assert [Path(c.media_reference.target_url).name for c in video.find_clips()] == [
        Path(t).name for t in TAKES
    ]


def test_edit_cuts_one_scene_by_its_number(scenes_run, tmp_path: Path, isolated_store: Path) -> None:
    from click.testing import CliRunner

    from roughcut._cli import main

    shutil.copy(scenes_run.store_path, isolated_store)
    project = str(scenes_run.project.root)
    out = tmp_path / "cut"
    result = CliRunner().invoke(
        main, ["-q", "edit", project, "--scene", "2", "--out", str(out), "--format", "edl"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["scene_2.edl"]
    result = CliRunner().invoke(main, ["-q", "edit", project, "--scene", "7", "--out", str(out)])
    assert result.exit_code == 1
    assert "no scene '7' with dialogue; scenes: 1, 2, 3" in result.output
    result = CliRunner().invoke(main, ["-q", "edit", project, "--scene", "3", "--out", str(out)])
    assert result.exit_code == 1
    assert "scene 3 (INT. ATTIC - NIGHT): no take holds its line" in result.output


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("sc2_tk3.mov", "2"),
        ("scene 2/A001.mov", "2"),
        ("Scene_12A/take4.mp4", "12A"),
        ("day1/S02T03.mxf", "2"),
        ("scn-01_t2.mov", "1"),
        ("B01_nora_cu.mp4", None),
        ("takes/sbwe5n.mpg", None),
        ("sc9_tk1.mov", None),  # no scene 9 in the script
    ],
)
def test_slate_and_folder_names_hint_a_scene(name: str, hint: str | None) -> None:
    from roughcut.app import scene_hint

    assert scene_hint(name, ["1", "2", "12A"]) == hint


def test_the_lines_decide_and_the_name_breaks_a_near_tie() -> None:
    from roughcut.app.scenes import _placed

    assert _placed("sc1.mov", {"2": 5.0}, "1").scene == "2"  # the lines win over a wrong slate
    assert _placed("sc1.mov", {"1": 3.0, "2": 5.0}, "1").scene == "1"  # near enough: the slate
    assert _placed("sc1.mov", {}, "1").by == "name"  # nothing heard: the slate
    nowhere = _placed("A001.mov", {}, None)
    assert nowhere.scene is None and "in no scene" in nowhere.note


def test_the_room_lists_the_scenes_and_cuts_the_one_chosen(scenes_run, isolated_store: Path) -> None:
    from roughcut.web import EditingRoom, RequestError
    from tests.web.conftest import make_client

    shutil.copy(scenes_run.store_path, isolated_store)
    room = EditingRoom(scenes_run.project.root)
    room.load()
    assert room.status.state == "ready", room.status
    with make_client(room) as client:
        state = client.get("/api/state").json()
        listed = [(s["number"], s["heading"], s["covered"]) for s in state["scenes"]]
        assert listed == [
            ("1", "INT. KITCHEN - DAY", True),
            ("2", "EXT. GARDEN - NIGHT", True),
            ("3", "INT. ATTIC - NIGHT", False),
        ]
        assert "no take holds its line" in state["scenes"][2]["note"]
        assert state["scene"] == "1" and [t["name"] for t in state["takes"]] == list(TAKES)[:2]
        state = client.post("/api/scene", json={"scene": "2"}).json()
        assert state["scene"] == "2"
        assert [(line["id"], line["take"]) for line in state["cut"]["lines"]] == [
            ("2.1", "takes/lrwp9a.mpg"),
            ("2.2", "takes/sc1_tk9.mpg"),
        ]
        assert client.get(state["takes"][1]["url"]).status_code == 200  # scene 2's second take plays
        refused = client.post("/api/scene", json={"scene": "3"})
        assert refused.status_code == 400 and "INT. ATTIC - NIGHT" in refused.json()["error"]
        unknown = client.post("/api/scene", json={"scene": "7"})
        assert unknown.status_code == 404 and "scenes: 1, 2, 3" in unknown.json()["error"]
    with pytest.raises(RequestError):
        room.choose_scene(None)
    again = EditingRoom(scenes_run.project.root)  # a restarted room opens the scene left open
    again.load()
    assert again.status.state == "ready" and again.coverage.scene == "2"


def _timeline(rate: str, picture: int, sound: int) -> otio.schema.Timeline:
    """A scene's timeline of ``picture`` and ``sound`` frames (gaps) with one line, at ``rate``."""
    timeline = otio.schema.Timeline()
    line = {"id": "1.1", "record_in": 0, "record_out": picture, "speech_in": 1, "speech_out": picture - 1}
    timeline.metadata["roughcut"] = {"frame_rate": rate, "scene": "1", "lines": [line]}
    for kind, frames in ((otio.schema.TrackKind.Video, picture), (otio.schema.TrackKind.Audio, sound)):
        track = otio.schema.Track(kind=kind)
        length = otio.opentime.RationalTime(frames, float(rate))
        track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=length)))
        timeline.tracks.append(track)
    return timeline


def test_the_sequence_keeps_picture_and_sound_together_and_refuses_two_rates() -> None:
    from roughcut.errors import RoughcutError
    from roughcut.export.sequence import sequence_timeline

    joined = sequence_timeline([_timeline("25", 10, 7), _timeline("25", 7, 9)])
    assert [round(t.duration().value) for t in joined.tracks] == [19, 19]  # each scene starts on both
    assert [line["record_in"] for line in joined.metadata["roughcut"]["lines"]] == [0, 10]
    assert [s["record_in"] for s in joined.metadata["roughcut"]["scenes"]] == [0, 10]
    with pytest.raises(RoughcutError, match="different frame rates"):
        sequence_timeline([_timeline("25", 10, 10), _timeline("24", 7, 7)])
