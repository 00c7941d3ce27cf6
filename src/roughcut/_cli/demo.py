"""``roughcut demo``: build the offline demo scene and run the pipeline on it."""

from __future__ import annotations

from pathlib import Path

import click

from roughcut.progress import LineConsole

console = LineConsole()


@click.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path), default="roughcut-demo")
@click.option("--rebuild", is_flag=True, help="Shoot the scene again even if OUT holds it already.")
def demo(out: Path, rebuild: bool) -> None:
    """Build the demo scene into OUT (default ./roughcut-demo) and run roughcut on it."""
    from roughcut.demo import build_demo
    from roughcut.pipeline import run_pipeline

    console.print(f"Building the demo scene in {out} (offline)...")
    build_demo(out, rebuild=rebuild)
    result = run_pipeline(out, console=console)
    console.print(f"\n[bold]Demo project:[/bold] {out.resolve()}")
    if result.truth_report is not None and not result.truth_report.passed:
        console.print("[yellow]warning:[/yellow] the alignment missed the demo's ground truth (see above)")
    console.print(f"\nEdit it in your browser: roughcut serve {out}")


COMMANDS = [demo]
