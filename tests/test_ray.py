"""The same analysis on a real local Ray cluster (a head and a worker node on 127.0.0.1, started and
stopped here) as in the local pool: identical results, stored by the driver, failed tasks retried."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'roughcut[ray]')")

from roughcut._codec import encode  # noqa: E402
from roughcut.app.analyze import analyze_takes  # noqa: E402
from roughcut.app.executors import LocalRayCluster, RayExecutor  # noqa: E402
from roughcut.project import Project  # noqa: E402
from roughcut.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: Three GRID speakers, one sentence each (3 s, 360x288).
TAKES = ("id2_vcd_swwp2s.mpg", "lbax4n.mpg", "pwij3p.mpg")


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory):
    """A head and one worker node, one CPU each, on 127.0.0.1; their address."""
    cluster = LocalRayCluster(tmp_path_factory.mktemp("ray-logs"), python_path=(str(ROOT / "src"), str(ROOT)))
    with cluster:  # stopped whatever happens
        cluster.start(head_cpus=1)
        cluster.add_worker(cpus=1)
        yield cluster.address


@pytest.fixture
def grid_project(media_dir: Path, tmp_path: Path) -> Path:
    """Three real GRID takes and a transcript of their sentences, one speaker each."""
    root = tmp_path / "grid"
    (root / "takes").mkdir(parents=True)
    sentences = dict(
        line.split("\t") for line in (media_dir / "grid" / "transcripts.tsv").read_text().splitlines()[1:]
    )
    for name in TAKES:
        shutil.copy(media_dir / "grid" / name, root / "takes" / name)
    script = "".join(f"SPEAKER{k + 1}: {sentences[name].strip()}\n" for k, name in enumerate(TAKES))
    (root / "script.txt").write_text(script)
    return root


def _flaky(marker: str) -> str:
    """Fails the first time (leaving ``marker``), succeeds when run again."""
    if not os.path.exists(marker):
        Path(marker).touch()
        raise RuntimeError("first attempt fails")
    return "second attempt"


def _always_fails(text: str) -> None:
    raise ValueError(text)


def test_ray_cluster_gives_the_local_pools_results(ray_cluster: str, grid_project: Path, tmp_path: Path):
    project = Project.open(grid_project)
    local_store, ray_store = Store(tmp_path / "local.sqlite"), Store(tmp_path / "ray.sqlite")
    local = analyze_takes(project, store=local_store, workers=2)
    remote = analyze_takes(project, store=ray_store, ray=ray_cluster)
    names = [f"takes/{name}" for name in TAKES]
    assert list(remote.vision.takes) == list(local.vision.takes) == names
    assert not remote.vision.errors and not local.vision.errors
    assert remote.note == local.note == ""
    for name in names:
        assert encode(remote.vision.takes[name]) == encode(local.vision.takes[name]), name
        assert encode(remote.alignments[name]) == encode(local.alignments[name]), name
        assert remote.alignments[name].lines, f"{name}: its line was not found"
    assert remote.characters == local.characters
    # The results came back to the driver, into its store: a second run computes nothing.
    entries = ray_store.info().entries
    assert entries.get("vision") == 3 and entries.get("speech.align") == 3, entries
    executor = RayExecutor(ray_cluster)
    assert executor.cluster_cpus() == 2  # the head and the worker node
    # A task that raised is run again; one that always fails reaches the caller with its own error.
    assert executor.submit(_flaky, str(tmp_path / "marker")).result(timeout=120) == "second attempt"
    with pytest.raises(ValueError, match="no luck"):
        executor.submit(_always_fails, "no luck").result(timeout=120)
    executor.shutdown()
