"""``roughcut sync``, ``roughcut clean`` and ``roughcut loudness``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from roughcut.progress import LineConsole

console = LineConsole()

_PRESET_NAMES = ("ebu-r128", "atsc-a85", "streaming-dialogue")


def _fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return "-inf" + unit
    return f"{value:.{digits}f}{unit}"


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float made ``None`` (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _print_problems(path: Path, problems: tuple[str, ...]) -> None:
    for problem in problems:
        console.print(f"[yellow]{path.name}:[/yellow] {problem}", highlight=False)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--sound",
    "sounds",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An external sound file (repeatable). Without it, PATHS[0] is the reference for the rest.",
)
@click.option("--min-confidence", default=0.5, show_default=True, help="Below this a take stays unmatched.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sync(paths: tuple[Path, ...], sounds: tuple[Path, ...], min_confidence: float, as_json: bool) -> None:
    """Sync recordings of one event: takes with external sound, or several cameras.

    PATHS is a project folder (its takes against its sound files), or takes with --sound files,
    or recordings whose offsets are measured against the first. The offset is where a take's first
    sample falls in the sound file (seconds; negative: the take started first).
    """
    from roughcut.audio.sync import group_takes_with_sound
    from roughcut.errors import RoughcutError

    if len(paths) == 1 and paths[0].is_dir():
        from roughcut.project import Project

        project = Project.open(paths[0])
        takes, sounds = list(project.takes), list(project.audio)
        if not sounds:
            raise RoughcutError(f"{project.root}: no external sound files to sync the takes with")
    elif sounds:
        takes = list(paths)
    elif len(paths) >= 2:
        takes, sounds = list(paths[1:]), [paths[0]]
    else:
        raise RoughcutError("give a project folder, takes with --sound, or at least two recordings")
    groups = group_takes_with_sound(takes, sounds, min_confidence=min_confidence)
    if as_json:
        rows = [
            {
                "take": str(g.take),
                "sound": str(g.sound) if g.sound else None,
                "offset_s": g.offset_s,
                "offset_samples": g.offset_samples,
                "sound_rate": g.sound_rate,
                "drift_ppm": g.drift_ppm,
                "confidence": g.confidence,
                "timecode_offset_s": g.timecode_offset_s,
                "problem": g.problem,
            }
            for g in groups
        ]
        click.echo(json.dumps(_finite(rows), indent=2, allow_nan=False))
        return
    table = Table(title=f"{len(groups)} recordings against {len(sounds)} sound file(s)")
    for column in ("take", "sound", "offset s", "offset samples", "drift ppm", "confidence", "by timecode s"):
        table.add_column(column, justify="right" if column not in ("take", "sound") else "left")
    for g in groups:
        table.add_row(
            g.take.name,
            g.sound.name if g.sound else f"[yellow]unmatched[/yellow] ({g.problem})",
            _fmt(g.offset_s, 4),
            f"{g.offset_samples} @ {g.sound_rate} Hz" if g.offset_samples is not None else "-",
            _fmt(g.drift_ppm, 1) if g.sound else "-",
            f"{g.confidence:.2f}",
            _fmt(g.timecode_offset_s, 4)
            + ("" if g.timecode_agrees() is not False else " [yellow](differs)[/yellow]"),
        )
    console.print(table)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(("none", *_PRESET_NAMES)),
    default="none",
    show_default=True,
    help="Then normalise loudness to this delivery spec.",
)
@click.option(
    "--denoise",
    type=click.Choice(("deepfilter", "learnt", "wiener", "gate", "none")),
    default="deepfilter",
    show_default=True,
    help="Noise reduction: DeepFilterNet3, the small learnt mask network (then Wiener on what "
    "stays), or from room tone only: MMSE-LSA Wiener or noisereduce spectral gating.",
)
@click.option(
    "--attenuation-limit",
    "attenuation_limit_db",
    type=click.FloatRange(min=1.0),
    default=None,
    help="Turn nothing down by more than this many dB (deepfilter; 12-20 keeps some room tone).",
)
@click.option("--dereverb", is_flag=True, help="Remove room reverberation (weighted prediction error).")
@click.option("--high-pass", "high_pass_hz", type=float, default=None, help="High-pass at this many Hz.")
@click.option("--declick", is_flag=True, help="Repair clicks.")
@click.option("--no-hum", is_flag=True, help="Leave mains hum alone.")
@click.option("--channel", "channels", multiple=True, type=int, help="Use only these channels (1-based).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def clean(
    file: Path,
    preset: str,
    denoise: str,
    attenuation_limit_db: float | None,
    dereverb: bool,
    high_pass_hz: float | None,
    declick: bool,
    no_hum: bool,
    channels: tuple[int, ...],
    out: Path | None,
    force: bool,
) -> None:
    """Clean FILE's dialogue (hum, noise, optionally clicks, rumble and reverb) into a new WAV file.

    Writes FILE's name with .clean.wav beside it unless --out; never over the input, nor over an
    existing file without --force.
    """
    from roughcut.audio.clean import clean_dialogue
    from roughcut.audio.files import read_dialogue, write_audio
    from roughcut.audio.loudness import normalize_loudness
    from roughcut.errors import RoughcutError
    from roughcut.export.files import file_writing

    target = out or file.with_name(f"{file.stem}.clean.wav")
    if target.resolve() == file.resolve():
        raise RoughcutError(f"{target}: is the input file; choose another --out")
    if target.exists() and not force:
        raise RoughcutError(f"{target}: already exists; not overwritten (use --force)")
    dialogue = read_dialogue(file, channels=channels or None)
    _print_problems(file, dialogue.report.problems)
    if dialogue.report.silent:
        raise RoughcutError(f"{file}: silent, nothing to clean")
    result = clean_dialogue(
        dialogue.samples,
        dialogue.sample_rate,
        high_pass_hz=high_pass_hz,
        hum=not no_hum,
        clicks=declick,
        dereverb=dereverb,
        denoise=None if denoise == "none" else denoise,
        attenuation_limit_db=attenuation_limit_db,
    )
    samples = result.samples
    report = result.report
    lines = [
        f"channels used: {', '.join(str(i + 1) for i in dialogue.report.used)} of {dialogue.report.channels}",
        f"hum: {report.hum.mains_hz:g} Hz, harmonics {', '.join(f'{h:g}' for h in report.hum.harmonics_hz)}"
        if report.hum.mains_hz
        else "hum: none found",
        f"noise: {report.method}, profile {report.noise_profile_s:.1f} s of {report.noise_source} "
        f"at {report.noise_dbfs:.1f} dBFS",
    ]
    if high_pass_hz:
        lines.append(f"high-pass: {high_pass_hz:g} Hz")
    if declick:
        lines.append(f"clicks repaired: {report.clicks_repaired}")
    if preset != "none":
        normalized = normalize_loudness(samples, dialogue.sample_rate, preset)
        samples = normalized.samples
        gated = normalized.after.gated_lufs(normalized.preset.dialogue_gated)
        lines.append(
            f"loudness: {preset} {gated:.1f} LUFS (target {normalized.preset.target_lufs:g}), "
            f"true peak {normalized.after.true_peak_dbtp:.1f} dBTP"
            + (", limited" if normalized.limited else "")
        )
    for note in report.notes:
        lines.append(f"note: {note}")
    with file_writing(target, overwrite=force) as part:  # atomic, never through a link
        write_audio(part, samples, dialogue.sample_rate, force=True, time_of_day_s=dialogue.time_of_day_s)
    for line in lines:
        console.print(line, highlight=False)
    console.print(f"wrote {target}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(_PRESET_NAMES),
    default=None,
    help="Normalise to this spec and write the result (with --out).",
)
@click.option("--channel", "channels", multiple=True, type=int, help="Measure only these channels (1-based).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def loudness(
    file: Path, preset: str | None, channels: tuple[int, ...], out: Path | None, force: bool, as_json: bool
) -> None:
    """Measure FILE's loudness (BS.1770 / EBU R128) and how far it is from each delivery spec.

    Up to five channels are measured as they are (BS.1770 weighting); with --channel, or more than
    five channels, the dialogue channels are picked and mixed to mono first.
    """
    from roughcut.audio.channels import dialogue_mix
    from roughcut.audio.files import read_dialogue, write_audio
    from roughcut.audio.loudness import PRESETS, measure_loudness, normalize_loudness
    from roughcut.errors import RoughcutError
    from roughcut.export.files import file_writing
    from roughcut.media import probe, read_audio

    audio = read_audio(file, sample_rate=None, mono=False)
    if channels or audio.samples.shape[0] > 5:
        dialogue = read_dialogue(file, channels=channels or None)
        samples, rate, problems = dialogue.samples, dialogue.sample_rate, dialogue.report.problems
    else:
        samples, rate = audio.samples, audio.sample_rate
        problems = tuple(p for p in dialogue_mix(samples, rate)[1].problems if "not used" not in p)
    if not as_json:
        _print_problems(file, problems)
    report = measure_loudness(samples, rate)
    if as_json:
        data = {
            "file": str(file),
            "integrated_lufs": report.integrated_lufs,
            "dialogue_lufs": report.dialogue_lufs,
            "loudness_range_lu": report.loudness_range_lu,
            "true_peak_dbtp": report.true_peak_dbtp,
            "sample_peak_dbfs": report.sample_peak_dbfs,
            "speech_fraction": report.speech_fraction,
            "problems": list(problems),
        }
        click.echo(json.dumps(_finite(data), indent=2, default=str, allow_nan=False))
    else:
        console.print(
            f"{file.name}: integrated {_fmt(report.integrated_lufs, 1, ' LUFS')}, "
            f"dialogue {_fmt(report.dialogue_lufs, 1, ' LUFS')} ({report.speech_fraction:.0%} speech), "
            f"range {_fmt(report.loudness_range_lu, 1, ' LU')}, "
            f"true peak {_fmt(report.true_peak_dbtp, 1, ' dBTP')}",
            highlight=False,
        )
        table = Table()
        for column in ("spec", "target", "measured", "off by", "true peak"):
            table.add_column(column)
        for spec in PRESETS.values():
            level = report.gated_lufs(spec.dialogue_gated)
            peak_ok = report.true_peak_dbtp <= spec.max_true_peak_dbtp
            table.add_row(
                spec.name,
                f"{spec.target_lufs:g} LUFS",
                _fmt(level, 1),
                _fmt(level - spec.target_lufs, 1, " LU") if math.isfinite(level) else "-",
                ("ok" if peak_ok else "[red]over[/red]") + f" (max {spec.max_true_peak_dbtp:g})",
            )
        console.print(table)
    if preset:
        target = out or file.with_name(f"{file.stem}.{preset}.wav")
        if target.resolve() == file.resolve():
            raise RoughcutError(f"{target}: is the input file; choose another --out")
        if target.exists() and not force:
            raise RoughcutError(f"{target}: already exists; not overwritten (use --force)")
        normalized = normalize_loudness(samples, rate, preset)
        with file_writing(target, overwrite=force) as part:  # atomic, never through a link
            write_audio(part, normalized.samples, rate, force=True, time_of_day_s=probe(file).time_of_day_s)
        if not as_json:
            console.print(
                f"wrote {target}: {normalized.after.gated_lufs(normalized.preset.dialogue_gated):.1f} LUFS, "
                f"true peak {normalized.after.true_peak_dbtp:.1f} dBTP"
            )


COMMANDS = [sync, clean, loudness]
