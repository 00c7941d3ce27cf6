"""Nothing a user made is lost, nothing is written outside the project, and every bad input gets one
clear line (issue 17). The output folder's one writer, the project's output folder, and a corpus of
bad inputs run through the ``roughcut`` command, each with its expected line and exit status."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from roughcut._cli import main
from roughcut.errors import ConfigError, RoughcutError
from roughcut.export.files import MANIFEST, OutputDir, made_files, shown_name
from roughcut.project import Project, write_config

SCRIPT = "INT. ROOM - DAY\n\nNORA\nHello.\n\nSAM\nHi.\n"


# ----------------------------------------------------------------------------------------------
# The one writer


def test_a_part_file_shows_under_the_name_it_becomes(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    for name in ("scene_1.mp4", "scene 2.take.fcpxml"):
        with out.writing(name) as part:
            assert part.name != name
            assert shown_name(part) == name  # what a progress bar prints while it is written
            part.write_bytes(b"x")
    assert shown_name(tmp_path / ".hidden") == ".hidden"


def test_a_link_in_the_output_folder_is_never_followed(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (outside / "precious.txt").write_text("mine")
    (out / "scene_1.edl").symlink_to(outside / "precious.txt")  # a link to a file outside
    (out / "scene_1.srt").symlink_to(outside / "created.srt")  # a dangling link
    (out / "scene_1_thumbs").symlink_to(outside, target_is_directory=True)  # a linked folder
    folder = OutputDir(out)
    for name in ("scene_1.edl", "scene_1.srt", "scene_1_thumbs/a.jpg"):
        with pytest.raises(RoughcutError, match="is a link; roughcut does not write through links"):
            folder.write_text(name, "x")
    assert (outside / "precious.txt").read_text() == "mine"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_names_leading_out_are_refused(tmp_path: Path) -> None:
    folder = OutputDir(tmp_path / "out")
    for name in ("../x.txt", "/etc/x", "a/../../x", "", "a\\b", MANIFEST, "sub/.roughcut-files"):
        with pytest.raises(RoughcutError, match="refused output name"):
            folder.write_text(name, "x")
    assert not (tmp_path / "x.txt").exists()


def test_a_users_file_under_a_name_roughcut_once_made_is_kept(tmp_path: Path) -> None:
    folder = OutputDir(tmp_path)
    path = folder.write_text("scene_1.fcpxml", "roughcut's")
    assert made_files(tmp_path)["scene_1.fcpxml"] is not None  # recorded with its hash
    folder.write_text("scene_1.fcpxml", "roughcut's again")  # its own file: replaced
    path.write_text("the user's edit")  # the user saves over it, or puts their own file there
    with pytest.raises(RoughcutError, match="changed since roughcut wrote it"):
        folder.write_text("scene_1.fcpxml", "roughcut's third")
    assert path.read_text() == "the user's edit"
    (tmp_path / "notes.txt").write_text("never listed")
    with pytest.raises(RoughcutError, match="exists and was not made by roughcut"):
        folder.write_text("notes.txt", "x")


def test_a_write_that_fails_keeps_the_previous_file(tmp_path: Path) -> None:
    folder = OutputDir(tmp_path)
    path = folder.write_text("scene_1.aaf", "good")

    class DiskFull(OSError):
        pass

    refused = pytest.raises(RoughcutError, match="cannot write .*the previous file is kept")
    with refused, folder.writing("scene_1.aaf") as part:
        part.write_text("half of a fi")
        raise DiskFull(28, "No space left on device")
    assert path.read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".roughcut-files",
        ".roughcut-files.lock",
        "scene_1.aaf",
    ]
    with pytest.raises(ZeroDivisionError), folder.writing("scene_1.aaf") as part:  # a writer's bug
        part.write_text("half")
        raise ZeroDivisionError
    assert path.read_text() == "good"


def _write_names(root: str, prefix: str, count: int) -> None:
    folder = OutputDir(root)
    for i in range(count):
        folder.write_text(f"{prefix}_{i}.txt", prefix)


def test_two_processes_writing_at_once_keep_every_name(tmp_path: Path) -> None:
    """``roughcut edit`` while the room exports: the list of made files loses no name."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_names, args=(str(tmp_path), p, 25)) for p in ("edit", "room")]
    for worker in workers:
        worker.start()
    _write_names(str(tmp_path), "here", 25)
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    made = made_files(tmp_path)
    assert len(made) == 75 and all(made.values())
    again = OutputDir(tmp_path)
    again.write_text("edit_3.txt", "mine again")  # every one still recognised as roughcut's


def test_lists_of_older_roughcuts_are_read(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text(json.dumps(["scene_1.edl"]))
    (tmp_path / ".roughcut-made").write_text("s_cast.csv\n")
    (tmp_path / "scene_1.edl").write_text("old")
    (tmp_path / "s_cast.csv").write_text("old")
    OutputDir(tmp_path).write_many({"scene_1.edl": "new", "s_cast.csv": "new"})
    assert (tmp_path / "scene_1.edl").read_text() == "new"
    assert set(json.loads((tmp_path / MANIFEST).read_text())["files"]) == {"scene_1.edl", "s_cast.csv"}


def test_a_refused_name_stops_the_whole_write(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("the user's")
    with pytest.raises(RoughcutError, match="b.csv: exists and was not made by roughcut"):
        OutputDir(tmp_path).write_many({"a.csv": "x", "b.csv": "y"})
    assert not (tmp_path / "a.csv").exists()


# ----------------------------------------------------------------------------------------------
# The project's output folder


@pytest.mark.parametrize("output", ["../../x", "../x", "/tmp/x", ".", "", 3])
def test_the_output_folder_stays_inside_the_project(tmp_path: Path, output: object) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "roughcut.toml").write_text(f"output = {json.dumps(output)}\n")
    with pytest.raises(ConfigError, match="roughcut.toml: output"):
        Project.open(project)


def test_a_linked_output_folder_leading_out_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "roughcut_out").symlink_to(tmp_path / "elsewhere")  # dangling, out of the project
    with pytest.raises(ConfigError, match="link out of the project"):
        Project.open(project)


def test_a_link_loop_in_the_project_lists_each_take_once(tmp_path: Path) -> None:
    takes = tmp_path / "p" / "takes"
    takes.mkdir(parents=True)
    for name in ("a.mp4", "b.mp4"):
        (takes / name).write_bytes(b"")
    (takes / "again").symlink_to(tmp_path / "p", target_is_directory=True)
    (takes / "loop").symlink_to(takes, target_is_directory=True)
    project = Project.open(tmp_path / "p")
    assert [t.name for t in project.takes] == ["a.mp4", "b.mp4"]


def test_init_never_writes_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "roughcut.toml").symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(RoughcutError, match="already exists"):
        write_config(tmp_path)
    assert not (tmp_path / "elsewhere.toml").exists()


# ----------------------------------------------------------------------------------------------
# Bad input: one line naming the file and the problem, and the exit status


def _project(tmp_path: Path, toml: str | None = None, script: str = SCRIPT) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "scene.fountain").write_text(script)
    if toml is not None:
        (project / "roughcut.toml").write_text(toml)
    return project


def _srt(tmp_path: Path) -> Path:
    path = tmp_path / "take.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n")
    return path


def _fdx_with_unknown_encoding(tmp_path: Path) -> Path:
    path = tmp_path / "scene.fdx"
    path.write_bytes(b'<?xml version="1.0" encoding="x-klingon"?>\n<FinalDraft><Content/></FinalDraft>')
    return path


def _fountain_with_two_spaces(tmp_path: Path) -> Path:
    path = tmp_path / "scene.fountain"
    path.write_text("INT. ROOM - DAY\n\nNORA\nHello.\n  \nAgain.\n")
    return path


def _silent_script(tmp_path: Path) -> Path:
    return _project(tmp_path, script="INT. ROOM - DAY\n\nNothing.\n") / "scene.fountain"


#: name → (make the input and give the arguments, exit status, what the one line says)
CASES = {
    "output outside": (
        lambda t: ["ingest", str(_project(t, 'output = "../../x"'))],
        1,
        "lies outside the project",
    ),
    "toml syntax": (lambda t: ["ingest", str(_project(t, "output = \n"))], 1, "roughcut.toml: Invalid"),
    "param not a number": (
        lambda t: ["edit", str(t), "--param", "short_lines.min_seconds=abc"],
        1,
        "--param short_lines.min_seconds=abc: expected a number",
    ),
    "param unknown idiom": (
        lambda t: ["edit", str(t), "--param", "nope.x=1"],
        1,
        "unknown idiom 'nope'",
    ),
    "param unknown name": (
        lambda t: ["edit", str(t), "--param", "short_lines.x=1"],
        1,
        "has no parameter 'x'",
    ),
    "pace nan": (lambda t: ["edit", str(t), "--pace", "nan"], 1, "--pace nan: expected"),
    "fps 0": (
        lambda t: ["subtitles", "check", str(_srt(t)), "--fps", "0"],
        1,
        "--fps '0': a frame rate must be",
    ),
    "fdx encoding": (
        lambda t: ["script", "check", str(_fdx_with_unknown_encoding(t))],
        1,
        "scene.fdx:1: declares an unknown text encoding",
    ),
    "two spaces": (lambda t: ["script", "check", str(_fountain_with_two_spaces(t))], 0, "1 dialogue lines"),
    "no dialogue": (lambda t: ["script", "check", str(_silent_script(t))], 0, "no dialogue found"),
}


@pytest.mark.parametrize(("make", "status", "expected"), CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line(tmp_path: Path, make, status: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    # A long temporary path and a narrow terminal: the line must still be whole.
    deep = tmp_path / ("a_rather_long_folder_name_" * 3) / ("and_another_one_" * 3)
    deep.mkdir(parents=True)
    result = CliRunner().invoke(main, ["-q", *make(deep)], terminal_width=40, env={"COLUMNS": "40"})
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert any(expected in line for line in result.output.splitlines()), result.output
    if status:
        assert any(line.startswith("error: ") and expected in line for line in result.output.splitlines())


def test_what_the_system_says_about_a_file_is_one_line(tmp_path: Path) -> None:
    @click.command("__fail")
    def fail() -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "read-only" / "scene_1.aaf"))

    main.add_command(fail)
    try:
        result = CliRunner().invoke(main, ["__fail"], terminal_width=40)
    finally:
        main.commands.pop("__fail")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'read-only' / 'scene_1.aaf'}: Permission denied"


def test_script_outputs_go_beside_the_script_not_into_the_current_folder(tmp_path: Path) -> None:
    project = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = Path.cwd()
    os.chdir(elsewhere)
    try:
        result = CliRunner().invoke(main, ["-q", "script", "lines", str(project / "scene.fountain")])
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    assert not (elsewhere / "roughcut_out").exists()
    assert (project / "roughcut_out" / "scene_dialogue.csv").is_file()
    assert "scene_dialogue.csv" in made_files(project / "roughcut_out")


@pytest.mark.parametrize("kind", ["garbage", "truncated", "folder"])
def test_an_unreadable_cache_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    cache = tmp_path / "store.sqlite"
    if kind == "folder":
        cache.mkdir()
    else:
        cache.write_bytes(b"SQLite format 3\x00" + b"\x01" * 50 if kind == "truncated" else os.urandom(8192))
    monkeypatch.setenv("ROUGHCUT_CACHE", str(cache))
    result = CliRunner().invoke(main, ["cache", "info"], terminal_width=40)
    assert result.exit_code == 1, result.output
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: {cache}: the analysis cache cannot be read")


def test_a_file_beside_the_input_never_replaces_the_users(tmp_path: Path) -> None:
    """``roughcut subtitles take.mp4`` writes ``take.srt`` beside the take: never over the user's."""
    from roughcut.export.files import file_writing, write_file

    (tmp_path / "take.srt").write_text("the user's subtitles")
    with pytest.raises(RoughcutError, match="take.srt: exists and was not made by roughcut"):
        write_file(tmp_path / "take.srt", "1\n")
    assert (tmp_path / "take.srt").read_text() == "the user's subtitles"
    write_file(tmp_path / "take.srt", "forced\n", overwrite=True)  # --force
    assert (tmp_path / "take.srt").read_text() == "forced\n"
    write_file(tmp_path / "other.srt", "1\n")
    with file_writing(tmp_path / "other.srt") as part:  # roughcut's own: replaced atomically
        part.write_text("2\n")
    assert (tmp_path / "other.srt").read_text() == "2\n"
    (tmp_path / "link.srt").symlink_to(tmp_path / "outside.srt")
    with pytest.raises(RoughcutError, match="is a link"):
        write_file(tmp_path / "link.srt", "x", overwrite=True)
    assert not (tmp_path / "outside.srt").exists()


def test_what_a_killed_writer_left_is_swept(tmp_path: Path) -> None:
    folder = OutputDir(tmp_path)
    folder.write_text("scene_1.mp4", "good")
    stale = tmp_path / ".scene_1.rc-part-dead.mp4"  # kill -9 during a render
    fresh = tmp_path / ".scene_1.rc-part-live.mp4"  # another process rendering now
    stale.write_text("half")
    fresh.write_text("half")
    os.utime(stale, (1, 1))
    OutputDir(tmp_path)
    assert not stale.exists() and fresh.exists()
    assert (tmp_path / "scene_1.mp4").read_text() == "good"


def test_edit_says_which_takes_it_left_out(demo_project: Path, tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "scene"
    shutil.copytree(demo_project, project, ignore=shutil.ignore_patterns("roughcut_out"))
    (project / "roughcut.toml").write_text('coverage = "truth"\n')
    (project / "takes" / "C01 nora's take.mp4").write_bytes(os.urandom(4096))  # unreadable
    result = CliRunner().invoke(main, ["-q", "edit", str(project), "--format", "edl"], terminal_width=40)
    assert result.exit_code == 0, result.output
    left_out = [line for line in result.output.splitlines() if "left out of the cut" in line]
    assert left_out == [
        "warning: takes/C01 nora's take.mp4: left out of the cut (it could not be read or analysed, "
        "or holds no scene's lines; `roughcut analyze` says why)"
    ]
    assert (project / "roughcut_out" / "scene_1.edl").is_file()
