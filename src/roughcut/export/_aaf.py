"""AAF as Avid Media Composer reads it: what the ``AAF`` OTIO adapter (otio-aaf-adapter 2.0.0)
is given, and fixes to the file it writes (see docs/interchange.md).

Given to the adapter (:func:`prepare`): one MobID per media file (the adapter otherwise makes a
MasterMob per edit) and each file's real essence description (picture size and aspect, sound
sample rate and channels; the adapter otherwise describes every picture as 1920×1080).

Fixed in its file (:func:`fix`), with pyaaf2:

- The picture ``Sequence`` has ``Length`` 0: every sequence's length is the sum of its components.
- Each edit leaves a file SourceMob and a tape slot behind: only those a MasterMob uses are kept.
- Timecode is drop frame at every 29.97: it is drop frame as the takes' timecode is.
- No markers: the line markers become Avid locators (``DescriptiveMarker`` in an ``EventMobSlot``
  describing the picture track), at record time, named by line, coloured as in the timeline.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd
from pathlib import Path

import aaf2
import opentimelineio as otio

from roughcut.export._media import is_drop_frame, media_in, media_url, record_markers

#: Avid locator colours (16-bit RGB) for the OTIO marker colours roughcut uses.
_COLOURS = {
    otio.schema.MarkerColor.RED: (65535, 0, 0),
    otio.schema.MarkerColor.GREEN: (0, 65535, 0),
    otio.schema.MarkerColor.BLUE: (0, 0, 65535),
    otio.schema.MarkerColor.YELLOW: (65535, 65535, 0),
}


def prepare(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy of ``timeline`` whose media references carry what the adapter reads: a MobID per
    file and the file's essence description."""
    timeline = timeline.clone()
    media = media_in(timeline)
    mob_ids = {url: str(aaf2.mobid.MobID.new()) for url in media}
    for track in timeline.tracks:
        for clip in track.find_clips():
            url = media_url(clip)
            info = media.get(url)
            if info is None or clip.media_reference is None:
                continue
            aaf: dict = {"MobID": mob_ids[url]}
            if track.kind == otio.schema.TrackKind.Video and info.width:
                common = gcd(info.width, info.height)
                aaf["EssenceDescription"] = {
                    "StoredWidth": info.width,
                    "StoredHeight": info.height,
                    "SampledWidth": info.width,
                    "SampledHeight": info.height,
                    "DisplayWidth": info.width,
                    "DisplayHeight": info.height,
                    "ImageAspectRatio": f"{info.width // common}/{info.height // common}",
                }
            elif track.kind == otio.schema.TrackKind.Audio:
                aaf["EssenceDescription"] = {
                    "AudioSamplingRate": info.sample_rate,
                    "SampleRate": info.sample_rate,
                    "Channels": info.channels,
                    "AverageBPS": info.sample_rate * 2 * info.channels,
                    "BlockAlign": 2 * info.channels,
                }
            clip.media_reference.metadata["AAF"] = aaf
    return timeline


def _fix_lengths(segment) -> int:  # type: ignore[no-untyped-def]
    if isinstance(segment, aaf2.components.Sequence):
        segment.length = sum(_fix_lengths(component) for component in segment.components)
        return segment.length
    if isinstance(segment, aaf2.components.OperationGroup):
        for item in segment.segments:
            _fix_lengths(item)
    return segment.length or 0


def _drop_unused_mobs(f: aaf2.file.AAFFile) -> None:
    used_files = {}
    for master in f.content.mastermobs():
        for slot in master.slots:
            segment = slot.segment
            if isinstance(segment, aaf2.components.SourceClip) and segment.mob is not None:
                used_files[segment.mob.mob_id] = segment.mob
    tape_slots: dict = {}
    for mob in used_files.values():
        for slot in mob.slots:
            segment = slot.segment
            if isinstance(segment, aaf2.components.SourceClip) and segment.mob is not None:
                tape_slots.setdefault(segment.mob.mob_id, set()).add(segment.slot_id)
    for mob in list(f.content.sourcemobs()):
        if isinstance(mob.descriptor, aaf2.essence.TapeDescriptor):
            keep = tape_slots.get(mob.mob_id, set())
            for index in reversed(range(len(mob.slots))):
                slot = mob.slots[index]
                if isinstance(slot.segment, aaf2.components.SourceClip) and slot.slot_id not in keep:
                    mob.slots.pop(index)
        elif mob.mob_id not in used_files:
            f.content.mobs.pop(mob.mob_id)


def _add_locators(f: aaf2.file.AAFFile, composition, timeline: otio.schema.Timeline, rate: Fraction) -> None:  # type: ignore[no-untyped-def]
    picture_slot = next((s for s in composition.slots if s.segment.media_kind == "Picture"), None)
    if picture_slot is None:
        return
    markers = record_markers(timeline)
    if not markers:
        return
    slot = f.create.EventMobSlot()
    slot["SlotID"].value = max(s.slot_id for s in composition.slots) + 1
    slot["EditRate"].value = rate
    slot["PhysicalTrackNumber"].value = 1
    sequence = f.create.Sequence(media_kind="DescriptiveMetadata")
    for position, length, marker, _ in markers:
        locator = f.create.DescriptiveMarker()
        locator["DataDefinition"].value = f.dictionary.lookup_datadef("DescriptiveMetadata")
        locator["Position"].value = position
        locator["Length"].value = length
        locator["Comment"].value = marker.name
        locator["CommentMarkerUser"].value = "roughcut"
        red, green, blue = _COLOURS.get(marker.color, (65535, 0, 0))
        locator["CommentMarkerColor"].value = {"red": red, "green": green, "blue": blue}
        locator["DescribedSlots"].value = {picture_slot.slot_id}
        sequence.components.append(locator)
    slot.segment = sequence
    composition.slots.append(slot)


def fix(path: Path, timeline: otio.schema.Timeline, rate: Fraction) -> None:
    """Rewrite the adapter's AAF at ``path`` for ``timeline`` (``rate`` frames per second)."""
    with aaf2.open(str(path), "rw") as f:
        for composition in f.content.compositionmobs():
            for slot in composition.slots:
                _fix_lengths(slot.segment)
            _add_locators(f, composition, timeline, rate)
        _drop_unused_mobs(f)
        drop = is_drop_frame(rate, timeline)
        for mob in f.content.mobs:
            for slot in mob.slots:
                if isinstance(slot.segment, aaf2.components.Timecode):
                    slot.segment["Drop"].value = drop
