"""Where analysis tasks run: a local process pool (the default, nothing to start) or a Ray cluster.

Both are :class:`concurrent.futures.Executor`\\ s, so a stage takes either through the standard
library's interface (``executor.submit(task, *args)`` and ``as_completed``) and never imports Ray
or this module. The same module-level task functions run in both:

* :class:`LocalPool`: spawned worker processes on this machine (mediapipe's graphs run threads, so
  workers are never forked), one per core by default; with one worker the tasks run on a thread
  of this process. A task that raises, or whose worker died, is submitted again (to a fresh pool when the
  old one broke) up to ``retries`` times before its error reaches the caller.
* :class:`RayExecutor`: a Ray cluster joined at an address (``auto``: the cluster running on this
  machine; ``HOST:PORT``: the head's GCS; ``ray://HOST:10001``: Ray Client). Ray retries a task
  whose worker or node died and a task that raised, ``retries`` times, then its error reaches the
  caller, who reports it by take. The workers read the media at the paths the driver sees, so the
  takes must sit on a path every node mounts the same way (``docs/scaling.md``). Results come back
  to the driver, which writes them into its store; workers never open the store.

:func:`open_executor` picks one from an address (``--ray ADDRESS`` or ``[cluster] address``).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from roughcut.errors import RoughcutError

#: Times a failed task is run again before its error is reported (local pool and Ray alike).
DEFAULT_RETRIES = 2


class LocalPool(Executor):
    """Spawned worker processes on this machine, started at the first task (``workers``: default
    one per core; 1 runs the tasks one after another on a thread of this process). Failed tasks are
    retried ``retries`` times."""

    def __init__(self, workers: int | None = None, *, retries: int = DEFAULT_RETRIES) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.retries = max(0, retries)
        self._pool: Executor | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def remote(self) -> bool:
        """False: tasks run on this machine (a stage may use machine-local shortcuts)."""
        return False

    def _live_pool(self, broken: Executor | None = None) -> Executor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the local pool is shut down")
            if self._pool is None or self._pool is broken:
                if broken is not None:
                    broken.shutdown(wait=False, cancel_futures=True)
                if self.workers == 1:
                    # One task after another on a thread of this process: no start-up, and results
                    # still come back (and are stored) one by one as they finish.
                    self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roughcut-task")
                else:
                    context = multiprocessing.get_context("spawn")
                    self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            return self._pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` in a worker; the future holds its result or its last error."""
        outer: Future = Future()
        self._attempt(outer, fn, args, kwargs, self.retries, None)
        return outer

    def _attempt(
        self,
        outer: Future,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        retries_left: int,
        broken: Executor | None,
    ) -> None:
        try:
            pool = self._live_pool(broken)
            inner = pool.submit(fn, *args, **kwargs)
        except Exception as exc:
            outer.set_exception(exc)
            return

        def done(inner: Future) -> None:
            error = inner.exception()
            if error is None:
                outer.set_result(inner.result())
            elif retries_left > 0 and not self._closed:
                died = pool if isinstance(error, BrokenProcessPool) else None
                # A fresh thread: a pool's own callback thread must not wait on that pool.
                threading.Thread(
                    target=self._attempt, args=(outer, fn, args, kwargs, retries_left - 1, died), daemon=True
                ).start()
            else:
                outer.set_exception(error)

        inner.add_done_callback(done)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The one Ray task: ``fn`` travels by reference (its module's name), so workers import
    roughcut themselves."""
    return fn(*args, **kwargs)


class RayExecutor(Executor):
    """Tasks on the Ray cluster at ``address`` (``auto`` joins the one running on this machine).

    ``ray.init`` is called here unless the caller already connected; :meth:`shutdown` disconnects
    only a connection made here (the cluster itself keeps running). Each task asks for ``cpus``
    CPUs (a take's analysis keeps about one core busy and a decode thread beside it).
    """

    def __init__(
        self,
        address: str,
        *,
        retries: int = DEFAULT_RETRIES,
        cpus: float = 1.0,
        runtime_env: dict[str, Any] | None = None,
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise RoughcutError(
                f"--ray {address}: Ray is not installed ({exc}); pip install 'roughcut[ray]'"
            ) from None
        self._ray = ray
        self.address = address
        self.retries = max(0, retries)
        self.cpus = cpus
        self._remote_call: Any = None
        self._connected_here = not ray.is_initialized()
        if self._connected_here:
            try:
                ray.init(
                    address=address,
                    log_to_driver=False,
                    configure_logging=False,
                    runtime_env=runtime_env,
                )
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise RoughcutError(f"Ray cluster at {address!r}: cannot connect ({exc})") from None

    @property
    def remote(self) -> bool:
        """True: tasks may run on other machines (media on a shared path, store on the driver)."""
        return True

    def cluster_cpus(self) -> int:
        """CPUs the cluster offers in all (its nodes' ``num_cpus``)."""
        return int(self._ray.cluster_resources().get("CPU", 0))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` as a Ray task; the future holds its result or its error
        (a ``RayTaskError`` naming the task's own exception, after the retries)."""
        if self._remote_call is None:
            self._remote_call = self._ray.remote(_call).options(
                num_cpus=self.cpus, max_retries=self.retries, retry_exceptions=True
            )
        inner = self._remote_call.remote(fn, *args, **kwargs).future()
        outer: Future = Future()

        def done(inner: Future) -> None:
            error = inner.exception()
            if error is None:
                outer.set_result(inner.result())
            else:  # the task's own exception rather than Ray's wrapper of it (its traceback text)
                cause = getattr(error, "cause", None)
                outer.set_exception(cause if isinstance(cause, BaseException) else error)

        inner.add_done_callback(done)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._connected_here and self._ray.is_initialized():
            self._ray.shutdown()
        self._connected_here = False


def open_executor(
    address: str | None = None, *, workers: int | None = None, retries: int = DEFAULT_RETRIES
) -> LocalPool | RayExecutor:
    """A :class:`RayExecutor` joined to ``address`` when one is given, else a :class:`LocalPool`
    of ``workers`` processes. Use it as a context manager so workers and connections are closed."""
    if address:
        return RayExecutor(address, retries=retries)
    return LocalPool(workers, retries=retries)


def align_project_on(executor: Executor) -> Callable[..., dict]:
    """``align_project(project, script, *, store)`` with every take not in ``store`` aligned as a
    task on ``executor`` (for a cluster: Whisper and pocketsphinx run on the workers, and the
    results come back here into the store). A take whose task failed after the retries gets a
    ``problem`` naming the failure and is not stored, so the next run does it again."""

    def align(project: Any, script: Any, *, store: Any) -> dict:
        from concurrent.futures import as_completed
        from dataclasses import replace

        from roughcut.errors import MediaError
        from roughcut.progress import track
        from roughcut.speech.align import STAGE, VERSION, TakeAlignment, _align_path, _params, _take_key

        lines = list(script.lines)
        if not lines:
            raise RoughcutError(f"{script.source or 'the script'}: no dialogue lines to align")
        line_ids = tuple(line.id for line in lines)
        params = _params(lines)
        out: dict[str, TakeAlignment] = {}
        futures: dict[Future, tuple[str, str]] = {}
        # Largest files (the longest takes) first, so no long take starts last and runs alone.
        for take in sorted(project.takes, key=lambda path: -(path.stat().st_size if path.is_file() else 0)):
            name = project.take_name(take)
            try:
                key, frame_rate = _take_key(take)
            except (MediaError, OSError) as exc:
                out[name] = TakeAlignment(name, (), line_ids, 0.0, None, str(exc))
                continue
            cached = store.get(key, STAGE, VERSION, params)
            if cached is not None:
                out[name] = cached if cached.take == name else replace(cached, take=name)
            else:
                futures[executor.submit(_align_path, take, lines, name, frame_rate)] = (name, key)
        for future in track(as_completed(futures), "Aligning script to takes", total=len(futures)):
            name, key = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # failed after the retries: said by take, redone next run
                problem = f"alignment failed ({type(exc).__name__}: {exc})"
                out[name] = TakeAlignment(name, (), line_ids, 0.0, None, problem)
                continue
            store.put(key, STAGE, VERSION, params, result)
            out[name] = result
        return {project.take_name(t): out[project.take_name(t)] for t in project.takes}

    return align


class LocalRayCluster:
    """A Ray cluster on this machine (127.0.0.1): a head and worker nodes, each ``ray start
    --block`` in its own process group, so :meth:`stop` ends exactly what was started here.

    For tests and benchmarks (a real cluster without a second machine); ``python_path`` is put
    before the workers' own path so they import this checkout. Use as a context manager.
    """

    def __init__(self, logs: str | os.PathLike, *, python_path: tuple[str, ...] = ()) -> None:
        import socket
        import tempfile
        from pathlib import Path

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.logs = Path(logs)
        self.logs.mkdir(parents=True, exist_ok=True)
        # Short: Ray's socket paths have a length limit.
        self.temp = Path(tempfile.mkdtemp(prefix="rc-ray-", dir="/tmp" if os.path.isdir("/tmp") else None))
        self.python_path = python_path
        self.nodes: list[Any] = []

    def _start(self, *args: str, cpus: float, name: str, timeout: float) -> None:
        import subprocess
        import sys
        import time
        from pathlib import Path

        ray = Path(sys.executable).with_name("ray")
        if not ray.exists():
            raise RoughcutError(f"{ray}: the ray command is not installed beside this Python")
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
        env["PYTHONPATH"] = os.pathsep.join([*self.python_path, env.get("PYTHONPATH", "")]).strip(os.pathsep)
        log = self.logs / f"{name}.log"
        command = [
            str(ray),
            "start",
            *args,
            "--node-ip-address=127.0.0.1",
            f"--num-cpus={cpus:g}",
            "--disable-usage-stats",
            f"--temp-dir={self.temp}",
            "--block",
        ]
        with log.open("w") as out:
            node = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.nodes.append(node)
        deadline = time.monotonic() + timeout
        while "--block" not in log.read_text():  # ray start says so once its node is up
            if node.poll() is not None or time.monotonic() > deadline:
                raise RoughcutError(f"ray start {name} failed: {log.read_text()[-2000:]}")
            time.sleep(0.25)

    def start(self, *, head_cpus: float = 1, timeout: float = 120) -> LocalRayCluster:
        """Start the head (``head_cpus`` CPUs for tasks; 0: it only schedules)."""
        self._start(
            "--head",
            f"--port={self.port}",
            "--include-dashboard=false",
            cpus=head_cpus,
            name="head",
            timeout=timeout,
        )
        return self

    def add_worker(self, *, cpus: float = 1, timeout: float = 120) -> None:
        """One more worker node of ``cpus`` CPUs."""
        self._start(f"--address={self.address}", cpus=cpus, name=f"worker{len(self.nodes)}", timeout=timeout)

    def stop(self) -> None:
        """End every node started here (their whole process groups) and remove the temp folder."""
        import contextlib
        import shutil
        import signal
        import subprocess

        for node in reversed(self.nodes):
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    node.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGKILL)
            node.wait(timeout=10)
        self.nodes.clear()
        shutil.rmtree(self.temp, ignore_errors=True)

    def __enter__(self) -> LocalRayCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
