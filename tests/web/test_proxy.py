"""Browser proxies: takes a browser cannot play become H.264 MP4s, frame for frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roughcut.edit import TakeInfo
from roughcut.media import probe, read_frames
from roughcut.web import EditingRoom
from roughcut.web import proxy as proxies


def test_which_files_need_a_proxy(media_dir: Path, demo_project: Path) -> None:
    assert not proxies.needs_proxy(probe(next((demo_project / "takes").glob("*.mp4"))))
    assert proxies.needs_proxy(probe(media_dir / "grid" / "bbaf2n.mpg"))  # MPEG-1 video, MP2 sound


def test_a_proxy_keeps_every_frame_where_it_was(media_dir: Path, tmp_path: Path) -> None:
    source = media_dir / "grid" / "bbaf2n.mpg"
    info = probe(source)
    assert info.video is not None
    take = TakeInfo(
        name=source.name,
        path=source,
        frame_rate=info.video.frame_rate,
        width=info.video.width,
        height=info.video.height,
        duration_frames=info.video.frame_count,
        shot_size="CU",
        characters_visible=(),
    )
    made = proxies.make_proxy(take, tmp_path / "proxy.mp4")
    back = probe(made)
    assert back.video is not None and not proxies.needs_proxy(back)
    assert back.video.codec == "h264" and [a.codec for a in back.audio] == ["aac"]
    assert back.video.frame_rate == info.video.frame_rate
    assert back.video.frame_count == info.video.frame_count
    assert abs(back.duration - info.duration) < 0.05  # seconds
    # Frame i of the proxy looks most like frame i of the take (not its neighbours).
    original = [f.image.astype(np.float32) for f in read_frames(source, width=180)]
    rendered = [f.image.astype(np.float32) for f in read_frames(made, width=180)]
    assert len(original) == len(rendered)
    matched = 0
    for i in range(2, len(original) - 2):
        errors = [float(np.abs(original[i] - rendered[j]).mean()) for j in range(i - 2, i + 3)]
        matched += int(np.argmin(errors) == 2)
    assert matched >= 0.9 * (len(original) - 4)


def test_the_room_plays_a_proxy_for_such_a_take(web_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.conftest import make_client

    plain = proxies.needs_proxy
    monkeypatch.setattr(proxies, "needs_proxy", lambda info: info.path.name.startswith("B02") or plain(info))
    room = EditingRoom(web_project)
    room.load()
    assert room.status.state == "ready"
    index = next(i for i, t in enumerate(room.coverage.takes) if t.name.startswith("B02"))  # type: ignore[union-attr]
    assert list(room.proxies) == [index]
    proxy = room.proxies[index]
    assert proxy.parent == web_project.resolve() / "roughcut_out" / ".web" / "proxies"
    with make_client(room) as client:
        state = client.get("/api/state").json()
        assert [t["proxy"] for t in state["takes"]] == [i == index for i in range(len(state["takes"]))]
        served = client.get(f"/media/takes/{index}")
        assert served.status_code == 200 and served.headers["content-type"] == "video/mp4"
        assert served.content == proxy.read_bytes()
    take = room.coverage.take(state["takes"][index]["name"])  # type: ignore[union-attr]
    assert probe(proxy).video.frame_count == take.duration_frames  # type: ignore[union-attr]
    # A second opening keeps the proxy that is newer than its take.
    made_at = proxy.stat().st_mtime_ns
    again = EditingRoom(web_project)
    again.load()
    assert again.proxies == room.proxies and proxy.stat().st_mtime_ns == made_at
