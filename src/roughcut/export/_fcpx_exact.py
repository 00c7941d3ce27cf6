"""Exact rational time for the ``fcpx_xml`` OTIO adapter (otio-fcpx-xml-adapter 1.0.0).

That adapter turns frame rates into integers (23.976 → 23, 29.97 → 29) and truncates seconds to
frames with ``int(float(...))``, so FCPXML at NTSC rates neither writes nor reads back frame-exact.
Loading this module replaces those few helpers with exact ``Fraction`` arithmetic, and its look-ups
of assets by path and media by name (XPath predicates that break on a quote in a file name, as in
``nora's take.mp4``) with plain comparisons; the adapter still writes and reads the format itself.
Applied once, only by roughcut's FCPXML export and read-back.
"""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio

from roughcut.media.rates import snap_frame_rate

_applied = False

_FRAME_DURATIONS = {
    Fraction(24000, 1001): "1001/24000s",
    Fraction(24): "1/24s",
    Fraction(25): "1/25s",
    Fraction(30000, 1001): "1001/30000s",
    Fraction(30): "1/30s",
    Fraction(48000, 1001): "1001/48000s",
    Fraction(48): "1/48s",
    Fraction(50): "1/50s",
    Fraction(60000, 1001): "1001/60000s",
    Fraction(60): "1/60s",
}


def _exact_rate(rate: float) -> Fraction:
    return snap_frame_rate(Fraction(rate)) or Fraction(24)


def _seconds(text: str | None) -> Fraction:
    if not text or text == "0s":
        return Fraction(0)
    return Fraction(text.rstrip("s"))


def _format_rate(element) -> float:  # type: ignore[no-untyped-def]
    return float(1 / _seconds(element.get("frameDuration")))


def _child_with(parent, tag: str, attribute: str, value: str):  # type: ignore[no-untyped-def]
    """The first ``tag`` child of ``parent`` whose ``attribute`` is ``value`` (any characters, quotes
    included, which an XPath predicate cannot hold), or ``None``."""
    return next((e for e in parent.iterfind(tag) if e.get(attribute) == value), None)


def apply() -> None:
    """Patch the adapter module's time helpers (idempotent)."""
    global _applied
    if _applied:
        return
    # The plugin system loads its own copy of the adapter module: patch that one.
    module = otio.adapters.from_name("fcpx_xml").module()

    def to_rational_time(rational_number: str | None, fps: float) -> otio.opentime.RationalTime:
        frames = _seconds(rational_number) * _exact_rate(fps)
        return otio.opentime.RationalTime(round(frames), float(_exact_rate(fps)))

    def from_rational_time(rational_time: otio.opentime.RationalTime) -> str:
        if int(rational_time.value) == 0:
            return "0s"
        value = Fraction(round(rational_time.value)) / _exact_rate(rational_time.rate)
        return f"{value.numerator}s" if value.denominator == 1 else f"{value.numerator}/{value.denominator}s"

    def framerate_to_frame_duration(framerate: float) -> str:
        return _FRAME_DURATIONS.get(_exact_rate(framerate), "")

    def calculate_rational_number(duration: float, rate: float) -> str:
        return from_rational_time(otio.opentime.RationalTime(duration, rate))

    def format_frame_rate(self, format_id):  # type: ignore[no-untyped-def]
        return _format_rate(self._format_by_id(format_id))

    def number_of_frames(self, time_value, format_id):  # type: ignore[no-untyped-def]
        if time_value in ("0s", None):
            return 0
        rate = _exact_rate(format_frame_rate(self, format_id))
        return round(_seconds(time_value) * rate)

    def frame_rate_from_element(self, element, default_format_id):  # type: ignore[no-untyped-def]
        format_id = default_format_id
        if element.tag == "ref-clip":
            format_id = self._media_by_id(element.get("ref")).find("./sequence").get("format")
        elif element.tag == "clip":
            if element.find("./gap") is not None:
                asset_id = element.find("./gap").find("./audio").get("ref")
            else:
                asset_id = element.find("./video").get("ref")
            format_id = self._asset_by_id(asset_id).get("format")
        elif element.tag == "asset-clip":
            format_id = self._asset_by_id(element.get("ref")).get("format")
        format_element = self.resource_element.find(f"./format[@id='{format_id}']")
        if format_element is None or not format_element.get("frameDuration"):
            format_element = self.resource_element.find(f"./format[@id='{default_format_id}']")
        return _format_rate(format_element)

    def asset_by_path(self, path):  # type: ignore[no-untyped-def]
        return _child_with(self.resource_element, "asset", "src", path)

    def media_by_name(self, name):  # type: ignore[no-untyped-def]
        return _child_with(self.resource_element, "media", "name", name)

    def asset_clip_by_name(self, name):  # type: ignore[no-untyped-def]
        return _child_with(self.event_resource, "asset-clip", "name", name)

    module.to_rational_time = to_rational_time
    module.from_rational_time = from_rational_time
    module.FcpxOtio._framerate_to_frame_duration = staticmethod(framerate_to_frame_duration)
    module.FcpxOtio._calculate_rational_number = staticmethod(calculate_rational_number)
    module.FcpxOtio._frame_rate_from_element = frame_rate_from_element
    module.FcpxOtio._asset_by_path = asset_by_path
    module.FcpxOtio._media_by_name = media_by_name
    module.FcpxOtio._asset_clip_by_name = asset_clip_by_name
    module.FcpxXml._format_frame_rate = format_frame_rate
    module.FcpxXml._number_of_frames = number_of_frames
    _applied = True
