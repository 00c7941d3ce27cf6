"""``roughcut serve`` as a user meets it."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from roughcut._cli import main


def test_serve_prints_its_address_and_serves_the_project(web_project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "roughcut._cli", "--quiet", "serve", str(web_project), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = found.group(0) if found else None
        assert url, "roughcut serve printed no address"
        status = {}
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url + "api/status", timeout=5) as response:
                status = json.load(response)
            if status["state"] != "loading":
                break
            time.sleep(0.2)
        assert status["state"] == "ready", status
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "roughcut" in response.read().decode()
        with urllib.request.urlopen(url + "api/state", timeout=5) as response:
            assert len(json.load(response)["cut"]["lines"]) == 8
        # Ctrl+C stops it cleanly.
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
        assert process.returncode == 0, rest
        assert "Editing room closed." in rest and "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def test_serve_refuses_a_port_in_use(web_project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--quiet", "serve", str(web_project), "--port", str(port)])
    said = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 1
    assert f"port {port}" in said and "in use" in said
    assert "Traceback" not in result.output


def test_serve_needs_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--quiet", "serve", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "not a folder" in " ".join(result.output.split())
