"""Every timeline file checked by readers other than the ones that wrote it.

Apple's FCPXML DTD (lxml), pycmx (EDL), pyaaf2 (AAF), the Avid Log Exchange specification (ALE),
pysubs2 and webvtt-py (SRT, WebVTT), lxml for FCP7 XML and the MLT engine (``melt``) for the Kdenlive
project; at 23.976, 24, 25, 29.97 drop frame and 29.97 non-drop. The truth is the cut itself (where
each line's words start on the record timeline, which take each shot uses) and the media files as
probed, never what a writer made.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import opentimelineio as otio
import pytest

from roughcut.app import edit_project
from roughcut.edit import edit_scene, to_timeline
from roughcut.edit.coverage import SceneCoverage
from roughcut.edit.cut import Cut
from roughcut.export import write_all
from tests.conftest import MEDIA

DTD_DIR = MEDIA.parent / "interchange" / "fcpxml-dtd"  # ../shared/interchange beside the media
FORMATS = ["fcp7", "fcpx", "edl", "aaf", "ale", "kdenlive", "srt", "vtt"]

#: name → (rate, drop frame)
RATES = {
    "23.976": (Fraction(24000, 1001), False),
    "24": (Fraction(24), False),
    "25": (Fraction(25), False),
    "29.97DF": (Fraction(30000, 1001), True),
    "29.97NDF": (Fraction(30000, 1001), False),
}


@dataclasses.dataclass
class Written:
    cut: Cut
    coverage: SceneCoverage
    timeline: otio.schema.Timeline
    rate: Fraction
    drop: bool
    paths: dict[str, Path]

    def marks(self, *, gaps: bool = True) -> dict[str, int]:
        """Each line's marker name → the record frame where its words start (from the cut); a
        missing line's (``MISSING 1.4``) where its gap starts, unless ``gaps`` is false."""
        return {
            (f"MISSING {line.line_id}" if line.is_gap else line.line_id): line.speech_in
            for line in self.cut.lines
            if any(p.record_in <= line.speech_in < p.record_out for p in self.cut.video)
            and (gaps or not line.is_gap)
        }

    @property
    def shots(self) -> list:
        """The cut's picture pieces that show a take (not a gap)."""
        return [piece for piece in self.cut.video if piece.take is not None]


def _rerated(coverage: SceneCoverage, rate: Fraction, drop: bool) -> SceneCoverage:
    def stamp(timecode: str | None) -> str | None:
        if not timecode:
            return timecode
        return timecode[:8] + (";" if drop else ":") + timecode[9:]

    takes = tuple(dataclasses.replace(t, frame_rate=rate, timecode=stamp(t.timecode)) for t in coverage.takes)
    return dataclasses.replace(coverage, takes=takes)


@pytest.fixture(scope="module")
def written(
    demo_project: Path, demo_coverage: SceneCoverage, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Written]:
    out = {}
    for name, (rate, drop) in RATES.items():
        coverage = _rerated(demo_coverage, rate, drop)
        cut = edit_scene(coverage, l_cut_frames=3)
        timeline = to_timeline(cut, coverage)
        paths = write_all(timeline, tmp_path_factory.mktemp(f"interchange{name}"), FORMATS)
        out[name] = Written(cut, coverage, timeline, rate, drop, paths)
    # A line no take holds: a marked gap in the picture.
    coverage = dict(demo_coverage.coverage)
    for take in demo_coverage.takes:
        del coverage[("1.4", take.name)]
    holey = dataclasses.replace(demo_coverage, coverage=coverage)
    cut = edit_scene(holey, l_cut_frames=3)
    assert cut.gaps == ("1.4",)
    timeline = to_timeline(cut, holey)
    paths = write_all(timeline, tmp_path_factory.mktemp("interchange_gap"), FORMATS)
    out["gap"] = Written(cut, holey, timeline, cut.rate, False, paths)
    # The demo as a user edits it: sound from the field recordings beside the takes (BWF, 48 kHz).
    result = edit_project(
        demo_project,
        formats=FORMATS,
        coverage=demo_coverage,
        out_dir=tmp_path_factory.mktemp("interchange_field"),
        l_cut_frames=3,
    )
    heard = {c.media_reference.target_url for c in result.timeline.tracks[1].find_clips()}
    assert any(url.endswith(".wav") for url in heard), "the demo's takes are heard from their recorders"
    out["field"] = Written(result.cut, demo_coverage, result.timeline, result.cut.rate, False, result.paths)
    return out


def _frames(timecode: str, rate: Fraction) -> int:
    return round(otio.opentime.from_timecode(timecode, float(rate)).value)


def _seconds(text: str | None) -> Fraction:
    return Fraction((text or "0s").rstrip("s"))


def _ms(stamp: str) -> int:
    """Milliseconds of a WebVTT time ``HH:MM:SS.mmm``."""
    hours, minutes, seconds = stamp.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def _probe(path: Path):  # type: ignore[no-untyped-def]
    from roughcut.media import probe

    return probe(path)


# ------------------------------------------------------------------------------------- FCPXML


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_fcpxml_is_valid_and_every_clip_shows_its_media(written: dict[str, Written], case: str) -> None:
    from lxml import etree

    w = written[case]
    if not DTD_DIR.is_dir():
        pytest.skip(f"Apple's FCPXML DTDs not found at {DTD_DIR}")
    doc = etree.parse(str(w.paths["fcpx"]))
    version = doc.getroot().get("version")
    dtd = etree.DTD(str(DTD_DIR / f"fcpxml-{version}.dtd"))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    root = doc.getroot()
    assert root.findall("asset-clip") == [], "no stray browser clips at the root"
    assert all(p.get("uid") != "" for p in root.iter("project"))
    formats = {f.get("id"): f for f in root.iter("format")}
    assets = {a.get("id"): a for a in root.iter("asset")}
    sequence = root.find(".//sequence")
    assert sequence.get("tcFormat") == ("DF" if w.drop else "NDF")
    main = formats[sequence.get("format")]
    assert (int(main.get("width")), int(main.get("height"))) == (w.cut.width, w.cut.height)
    assert _seconds(main.get("frameDuration")) == 1 / w.rate
    for asset in assets.values():
        path = Path(unquote(urlparse(asset.get("src")).path))
        info = _probe(path)
        assert asset.get("hasVideo") == ("1" if info.video else "0"), path
        assert asset.get("hasAudio") == ("1" if info.audio else "0"), path
        if info.video:
            fmt = formats[asset.get("format")]
            assert (int(fmt.get("width")), int(fmt.get("height"))) == (info.video.width, info.video.height)
        if info.audio:
            assert int(asset.get("audioRate")) == info.audio[0].sample_rate
    # Each clip's window (its start .. start + duration, in its own time) lies inside its media.
    shots = []
    for clip in root.iter("clip"):
        media = [c for c in clip if c.tag in ("video", "audio")]
        assert len(media) == 1 and clip.find("gap") is None, "one media component, no gap"
        component = media[0]
        asset = assets[component.get("ref")]
        start, duration = _seconds(clip.get("start")), _seconds(clip.get("duration"))
        placed = _seconds(component.get("offset"))
        inner = _seconds(component.get("start"))
        media_start = _seconds(asset.get("start"))
        media_end = media_start + _seconds(asset.get("duration"))
        # Clip time t shows asset time t - offset + start.
        first, last = start - placed + inner, start + duration - placed + inner
        assert media_start <= first and last <= media_end, (clip.get("name"), first, last)
        if component.tag == "video":
            shots.append((clip, start))
    assert len(shots) == len(w.shots)
    # Markers at the right record time (a missing line's on its gap).
    found = {}
    for gap in root.iter("gap"):
        for marker in gap.findall("marker"):
            start = _seconds(gap.get("start"))
            assert start <= _seconds(marker.get("start")) < start + _seconds(gap.get("duration"))
            found[marker.get("value")] = int(
                (_seconds(gap.get("offset")) + _seconds(marker.get("start")) - start) * w.rate
            )
    for clip, start in shots:
        for marker in clip.findall("marker"):
            at = _seconds(clip.get("offset")) + _seconds(marker.get("start")) - start
            assert (at * w.rate).denominator == 1
            found[marker.get("value")] = int(at * w.rate)
            assert start <= _seconds(marker.get("start")) < start + _seconds(clip.get("duration"))
    assert found == w.marks()


# ------------------------------------------------------------------------------------- FCP7 XML


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_fcp7_xml_carries_markers_sizes_links_and_timecode(written: dict[str, Written], case: str) -> None:
    from lxml import etree

    w = written[case]
    root = etree.parse(str(w.paths["fcp7"])).getroot()
    assert root.tag == "xmeml"
    sequence = root.find(".//sequence")
    chars = sequence.find("./media/video/format/samplecharacteristics")
    assert (int(chars.findtext("width")), int(chars.findtext("height"))) == (w.cut.width, w.cut.height)
    files = {}
    for file_e in root.iter("file"):
        if file_e.find("pathurl") is not None:
            files[file_e.get("id")] = file_e
            path = Path(unquote(urlparse(file_e.findtext("pathurl")).path))
            info = _probe(path)
            video = file_e.find("./media/video/samplecharacteristics")
            if info.video is None:
                assert video is None, f"{path.name} has no picture"
            else:
                assert (int(video.findtext("width")), int(video.findtext("height"))) == (
                    info.video.width,
                    info.video.height,
                )
            if info.audio:
                sound = file_e.find("./media/audio")
                assert int(sound.findtext("samplecharacteristics/samplerate")) == info.audio[0].sample_rate
                assert int(sound.findtext("channelcount")) == info.audio[0].channels
            stamp = file_e.find("timecode")
            assert (";" in stamp.findtext("string")) == w.drop
            assert stamp.findtext("displayformat") == ("DF" if w.drop else "NDF")
            assert _frames(stamp.findtext("string"), w.rate) == int(stamp.findtext("frame"))
    found = {}
    items = {}
    for kind in ("video", "audio"):
        for track_index, track in enumerate(sequence.findall(f"./media/{kind}/track"), start=1):
            for clip_index, item in enumerate(track.findall("clipitem"), start=1):
                items[item.get("id")] = (kind, track_index, clip_index, item)

    def timecode_of(item) -> int:  # type: ignore[no-untyped-def]
        return int(files[item.find("file").get("id")].findtext("timecode/frame"))

    for _kind, _, _, item in items.values():
        assert len(item.findall("rate")) == 1, "one rate per clipitem"
        file_e = files[item.find("file").get("id")]
        media_frames = int(file_e.findtext("duration"))
        assert int(item.findtext("duration")) == media_frames, "a clipitem's duration is its media's"
        source_in, source_out = int(item.findtext("in")), int(item.findtext("out"))
        assert 0 <= source_in < source_out <= media_frames
        assert item.findtext("masterclipid")
        assert item.find("sourcetrack/mediatype").text == _kind
        start = int(item.findtext("start"))
        for marker in item.findall("marker"):
            marker_in = int(marker.findtext("in"))
            assert source_in <= marker_in < source_out, "the marker lies in the clip's media"
            found[marker.findtext("name")] = start + marker_in - source_in
        # Links point at clipitems of the same take, in sync, and back.
        for link in item.findall("link"):
            kind, track_index, clip_index, other = items[link.findtext("linkclipref")]
            assert (link.findtext("mediatype"), int(link.findtext("trackindex"))) == (kind, track_index)
            assert int(link.findtext("clipindex")) == clip_index
            # In sync by timecode (the demo's recorders are jam-synced with the cameras).
            assert timecode_of(other) + int(other.findtext("in")) - int(other.findtext("start")) == (
                timecode_of(item) + source_in - start
            )
            assert item.get("id") in [x.findtext("linkclipref") for x in other.findall("link")]
    for marker in sequence.findall("marker"):  # a missing line's, at record time
        found[marker.findtext("name")] = int(marker.findtext("in"))
    assert found == w.marks()
    linked = [
        item for kind, _, _, item in items.values() if kind == "video" and item.find("link") is not None
    ]
    assert len(linked) == len(w.shots), "every shot is linked with its own sound"


# ------------------------------------------------------------------------------------- EDL


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_edl_keeps_the_cmx3600_rules(written: dict[str, Written], case: str) -> None:
    import pycmx

    w = written[case]
    text = w.paths["edl"].read_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert re.search(r"^FCM: (NON-)?DROP FRAME$", text, re.M).group(0) == (
        "FCM: DROP FRAME" if w.drop else "FCM: NON-DROP FRAME"
    )
    stamps = re.findall(r"\d\d:\d\d:\d\d[:;]\d\d", text)
    assert all((";" in s) == w.drop for s in stamps)
    with w.paths["edl"].open() as handle:
        edl = pycmx.parse_cmx3600(handle)
    assert edl.format == "3600"
    events = list(edl.events)
    assert [e.number for e in events] == list(range(1, len(events) + 1))
    picture = [edit for event in events for edit in event.edits if edit.channels.video]
    sound = [edit for event in events for edit in event.edits if edit.channels.a1]
    for edits, pieces in ((picture, w.cut.video), (sound, w.cut.audio)):
        holes = {(p.record_in, p.record_out) for p in pieces if p.take is None}  # missing lines
        shown = [p for p in pieces if p.take is not None]
        assert len(edits) == len(shown)
        at = 0
        for edit, piece in zip(edits, shown, strict=True):
            record_in, record_out = _frames(edit.record_in, w.rate), _frames(edit.record_out, w.rate)
            assert (record_in, record_out) == (piece.record_in, piece.record_out)
            assert record_in == at or (at, record_in) in holes, "record continuity"
            assert record_out - record_in == _frames(edit.source_out, w.rate) - _frames(
                edit.source_in, w.rate
            )
            assert len(edit.source) <= 8 and edit.source_file and edit.clip_name
            at = record_out
        end = max(p.record_out for p in pieces)
        assert at == end or (at, end) in holes
    found = {}
    for line in text.splitlines():
        match = re.match(r"\* LOC: (\S+) +\w+ +(.+)$", line)
        if match:
            found[match.group(2).strip()] = _frames(match.group(1), w.rate)
    assert found == w.marks(gaps=False)  # an EDL holds no event for a gap to carry a locator


# ------------------------------------------------------------------------------------- AAF


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_aaf_has_lengths_descriptors_one_master_per_file_and_locators(
    written: dict[str, Written], case: str
) -> None:
    import aaf2

    w = written[case]
    urls = {clip.media_reference.target_url for track in w.timeline.tracks for clip in track.find_clips()}
    with aaf2.open(str(w.paths["aaf"])) as f:
        composition = next(f.content.compositionmobs())
        kinds = {}
        for slot in composition.slots:
            segment = slot.segment
            if isinstance(segment, aaf2.components.OperationGroup):
                segment = segment.segments[0]
            if isinstance(segment, aaf2.components.Sequence) and segment.media_kind in ("Picture", "Sound"):
                assert segment.length == sum(c.length for c in segment.components)
                assert segment.length == round(w.timeline.duration().value)
                kinds[segment.media_kind] = slot.slot_id
            if isinstance(slot.segment, aaf2.components.Timecode):
                assert slot.segment["Drop"].value == w.drop
        assert set(kinds) == {"Picture", "Sound"}
        masters = list(f.content.mastermobs())
        assert len(masters) == len(urls), "one MasterMob per media file"
        file_mobs = [
            m for m in f.content.sourcemobs() if not isinstance(m.descriptor, aaf2.essence.TapeDescriptor)
        ]
        for mob in file_mobs:
            descriptor = mob.descriptor
            path = Path(unquote(urlparse(descriptor["Locator"][0]["URLString"].value).path))
            info = _probe(path)
            if isinstance(descriptor, aaf2.essence.DigitalImageDescriptor):
                assert (descriptor["StoredWidth"].value, descriptor["StoredHeight"].value) == (
                    info.video.width,
                    info.video.height,
                )
            else:
                assert descriptor["AudioSamplingRate"].value == info.audio[0].sample_rate
        for master in masters:  # each master's slots point at its own file's mobs
            assert len({s.segment.mob.mob_id for s in master.slots}) == len(list(master.slots))
        found = {}
        for slot in composition.slots:
            if isinstance(slot, aaf2.mobslots.EventMobSlot):
                for marker in slot.segment.components:
                    assert set(marker["DescribedSlots"].value) == {kinds["Picture"]}
                    found[marker["Comment"].value] = marker["Position"].value
        assert found == w.marks()


# ------------------------------------------------------------------------------------- ALE

#: The ALE specification's allowed header values and required columns.
ALE_FPS = {"23.976", "23.98", "24", "25", "29.97", "30", "50", "59.94", "60"}
ALE_VIDEO_FORMATS = {"NTSC", "PAL", "1080", "720", "CUSTOM"}
ALE_REQUIRED = {"Name", "Tracks", "Start", "End"}


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_ale_follows_the_specification(written: dict[str, Written], case: str) -> None:
    w = written[case]
    sections: dict[str, list[str]] = {}
    current = None
    for line in w.paths["ale"].read_text().splitlines():
        if line in ("Heading", "Column", "Data"):
            current = line
            sections[current] = []
        elif line and current:
            sections[current].append(line)
    heading = dict(line.split("\t", 1) for line in sections["Heading"])
    assert heading["FIELD_DELIM"] == "TABS"
    assert heading["FPS"] in ALE_FPS and abs(float(heading["FPS"]) - float(w.rate)) < 0.01
    assert heading["VIDEO_FORMAT"] in ALE_VIDEO_FORMATS
    assert heading["VIDEO_FORMAT"] == {720: "720", 1080: "1080"}.get(w.cut.height, "CUSTOM")
    (columns,) = (line.split("\t") for line in sections["Column"])
    assert set(columns) >= ALE_REQUIRED and "Tape" in columns and "Image Size" in columns
    rows = [dict(zip(columns, line.split("\t"), strict=True)) for line in sections["Data"]]
    assert len(rows) == len(w.coverage.takes)
    for row, take in zip(rows, w.coverage.takes, strict=True):
        info = _probe(take.path)
        assert row["Source File"] == take.path.name
        assert row["Tracks"] == ("VA1" if info.audio else "V")
        assert row["Image Size"] == f"{info.video.width}x{info.video.height}"
        assert 1 <= len(row["Tape"]) <= 8
        for column in ("Start", "End", "Duration"):
            assert (";" in row[column]) == w.drop
        start, end = _frames(row["Start"], w.rate), _frames(row["End"], w.rate)
        assert start == _frames(take.timecode, w.rate) and end - start == take.duration_frames


# ------------------------------------------------------------------------------------- subtitles


def test_subtitles_read_by_pysubs2_and_webvtt(written: dict[str, Written]) -> None:
    import pysubs2
    import webvtt

    w = written["23.976"]
    from roughcut.export.srt import cut_cues

    cues = cut_cues(w.timeline)
    srt = pysubs2.load(str(w.paths["srt"]))
    vtt = webvtt.read(str(w.paths["vtt"]))
    srt_again = webvtt.from_srt(str(w.paths["srt"]))
    assert len(srt) == len(vtt) == len(srt_again) == len(cues) > 0
    for cue, a, b, c in zip(cues, srt, vtt, srt_again, strict=True):
        assert (a.start, a.end) == (cue.start_ms, cue.end_ms)
        assert a.plaintext.split("\n") == list(cue.lines)
        for other in (b, c):
            assert (_ms(other.start), _ms(other.end)) == (cue.start_ms, cue.end_ms)
            assert other.text.split("\n") == list(cue.lines)
    spoken = " ".join(line.text for line in w.cut.lines).split()
    assert " ".join(a.plaintext.replace("\n", " ") for a in srt).split() == spoken


# ------------------------------------------------------------------------------------- Kdenlive / MLT


@pytest.mark.parametrize("case", [*RATES, "field", "gap"])
def test_kdenlive_project_holds_the_cut_at_its_rate(written: dict[str, Written], case: str) -> None:
    import json

    from lxml import etree

    w = written[case]
    root = etree.parse(str(w.paths["kdenlive"])).getroot()
    profile = root.find("profile")
    assert Fraction(int(profile.get("frame_rate_num")), int(profile.get("frame_rate_den"))) == w.rate
    assert (int(profile.get("width")), int(profile.get("height"))) == (w.cut.width, w.cut.height)
    producers = {p.get("id"): p for p in root.iter("producer")}
    guides = root.find(".//property[@name='kdenlive:docproperties.guides']")
    assert {g["comment"]: g["pos"] for g in json.loads(guides.text)} == w.marks()
    tracks = {t.kind: t for t in w.timeline.tracks}
    for playlist in root.iter("playlist"):
        if playlist.get("id") == "main_bin":
            continue
        sound = playlist.find("property[@name='kdenlive:audio_track']") is not None
        pieces = w.cut.audio if sound else w.cut.video
        at, placed = 0, []
        for element in playlist:
            if element.tag == "blank":
                at += int(element.get("length"))
            elif element.tag == "entry":
                producer = producers[element.get("producer")]
                first, last = int(element.get("in")), int(element.get("out"))
                assert 0 <= first <= last <= int(producer.get("out")), "inside the media"
                path = Path(producer.findtext("property[@name='resource']"))
                assert (producer.find("property[@name='video_index']") is not None) == (
                    sound and _probe(path).video is not None
                ), "a sound track plays the sound alone"
                placed.append((at, at + last - first + 1))
                at += last - first + 1
        assert placed == [(p.record_in, p.record_out) for p in pieces if p.take is not None]
        assert at == round(tracks["Audio" if sound else "Video"].duration().value)


def test_kdenlive_project_renders_in_mlt_as_our_preview_at_every_cut(
    written: dict[str, Written], tmp_path: Path
) -> None:
    """The cut heard from its field recordings, rendered by MLT: the picture at both frames of every
    cut and the sound, against roughcut's own preview; the line markers are the project's guides."""
    import json

    from lxml import etree

    from roughcut.export.mlt import write_mlt
    from roughcut.media import read_audio, read_frames

    melt = shutil.which("melt")
    if melt is None:
        pytest.skip("the MLT engine (Debian's `melt`) is not installed; .ci/run installs it")
    w = written["field"]
    guides = etree.parse(str(w.paths["kdenlive"])).find(".//property[@name='kdenlive:docproperties.guides']")
    assert {g["comment"]: g["pos"] for g in json.loads(guides.text)} == w.marks()
    timeline = w.timeline.clone()
    for track in timeline.tracks:  # the first five shots are enough
        while len(track) > 5:
            del track[-1]
    timeline.metadata["roughcut"]["width"], timeline.metadata["roughcut"]["height"] = 640, 360
    frames = round(timeline.tracks[0].duration().value)
    project = write_mlt(timeline, tmp_path / "cut.kdenlive")
    rendered = tmp_path / "melt.mkv"
    subprocess.run(
        [
            melt,
            "-quiet",
            str(project),
            "-consumer",
            f"avformat:{rendered}",
            "vcodec=ffv1",
            "acodec=pcm_s16le",
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    preview = write_all(timeline, tmp_path / "preview", ["mp4"], burn_in=False, preview_height=360)["mp4"]
    ours = [f.image.astype(int) for f in read_frames(preview, width=320)]
    theirs = [f.image.astype(int) for f in read_frames(rendered, width=320)]
    assert len(ours) == frames  # the preview ends with the picture
    assert len(theirs) == round(timeline.duration().value)  # MLT plays the longest track out
    cuts = [round(c.range_in_parent().start_time.value) for c in timeline.tracks[0].find_clips()][1:]
    for cut in cuts:
        for at in (cut - 1, cut):
            same = np.abs(theirs[at] - ours[at]).mean()
            slipped = np.abs(theirs[at] - ours[at + (1 if at < cut else -1)]).mean()
            print(f"frame {at}: MLT vs preview {same:.2f}, one frame slipped {slipped:.2f}")
            assert same < 4 and slipped > 2 * same
    # The sound, shot by shot: the same recordings at the same moments. Timeline files place a field
    # recording to the nearest frame (the preview to the sample): within half a frame (16 kHz).
    heard = read_audio(rendered).samples
    expected = read_audio(preview).samples
    half_frame = 16000 / float(w.rate) / 2
    for clip in timeline.tracks[1].find_clips():
        span = clip.range_in_parent()
        a = round(span.start_time.value / float(w.rate) * 16000)
        b = min(round(span.end_time_exclusive().value / float(w.rate) * 16000), len(heard), len(expected))
        x, y = heard[a:b], expected[a:b]
        lags = np.arange(-400, 401, 2)
        lag = int(lags[int(np.argmax([np.dot(np.roll(x, lag), y) for lag in lags]))])
        correlation = np.corrcoef(np.roll(x, lag), y)[0, 1]
        print(
            f"sound {clip.name} at frame {span.start_time.value:.0f}: "
            f"lag {lag} samples, correlation {correlation:.3f}"
        )
        assert abs(lag) <= half_frame + 2 and correlation > 0.9


# ------------------------------------------------------------------------------------- real media


def test_a_timeline_of_real_media_says_each_files_size_and_sound(media_dir: Path, tmp_path: Path) -> None:
    """Any OTIO timeline (not made by roughcut) of real footage: 1280×720 without sound, 640×360 with
    44.1 kHz stereo, at 29.97; every writer says what each file really is."""
    import aaf2
    from lxml import etree

    rate = 30000 / 1001
    files = [media_dir / "video" / "testvideo.mp4", media_dir / "faces" / "hamilton_clip.mp4"]
    timeline = otio.schema.Timeline(name="real")
    for kind in (otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio):
        track = otio.schema.Track(kind=kind)
        for path in files if kind == "Video" else files[1:]:
            info = _probe(path)
            clip = otio.schema.Clip(
                name=path.stem,
                media_reference=otio.schema.ExternalReference(
                    target_url=path.as_uri(),
                    available_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(0, rate),
                        otio.opentime.RationalTime(info.video.frame_count, rate),
                    ),
                ),
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(30, rate), otio.opentime.RationalTime(60, rate)
                ),
            )
            if kind == "Audio":
                track.append(otio.schema.Gap(source_range=clip.source_range))
            track.append(clip)
        timeline.tracks.append(track)
    paths = write_all(timeline, tmp_path, ["fcp7", "fcpx", "aaf"])
    truth = {path.as_uri(): _probe(path) for path in files}

    root = etree.parse(str(paths["fcpx"])).getroot()
    if DTD_DIR.is_dir():
        dtd = etree.DTD(str(DTD_DIR / f"fcpxml-{root.get('version')}.dtd"))
        assert dtd.validate(root.getroottree()), dtd.error_log.filter_from_errors()
    formats = {f.get("id"): f for f in root.iter("format")}
    for asset in root.iter("asset"):
        info = truth[asset.get("src")]
        fmt = formats[asset.get("format")]
        assert (int(fmt.get("width")), int(fmt.get("height"))) == (info.video.width, info.video.height)
        assert asset.get("hasAudio") == ("1" if info.audio else "0")
        if info.audio:
            assert (int(asset.get("audioRate")), int(asset.get("audioChannels"))) == (44100, 2)

    xml = etree.parse(str(paths["fcp7"])).getroot()
    for file_e in xml.iter("file"):
        if file_e.find("pathurl") is None:
            continue
        info = truth[file_e.findtext("pathurl")]
        chars = file_e.find("./media/video/samplecharacteristics")
        assert (int(chars.findtext("width")), int(chars.findtext("height"))) == (
            info.video.width,
            info.video.height,
        )
        assert (file_e.find("./media/audio") is not None) == bool(info.audio)

    with aaf2.open(str(paths["aaf"])) as f:
        sizes, rates = set(), set()
        for mob in f.content.sourcemobs():
            descriptor = mob.descriptor
            if isinstance(descriptor, aaf2.essence.DigitalImageDescriptor):
                sizes.add((descriptor["StoredWidth"].value, descriptor["StoredHeight"].value))
            elif isinstance(descriptor, aaf2.essence.PCMDescriptor):
                rates.add((descriptor["AudioSamplingRate"].value, descriptor["Channels"].value))
        assert sizes == {(1280, 720), (640, 360)} and rates == {(44100, 2)}
        assert len(list(f.content.mastermobs())) == 2
