"""Child-process measurement and loopback server lifetimes for the benchmarks.

Owns: running one command and reporting its wall time, user+sys CPU and peak
RSS (os.wait4 rusage of that child alone), and starting/stopping the servers
a benchmark needs. What must stay true: every child started here is waited
for or killed before the function returns (bounded by a timeout), and every
server is stopped by its context manager even when the benchmark fails.
"""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import select
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
PYTHON = "/usr/bin/python3"  # Debian's: it has aiohttp and scrapy; pyenv's has not.


@dataclasses.dataclass
class Measurement:
    """What one child process cost, plus its captured output."""

    argv: list[str]
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def stderr_tail(self, lines: int = 8) -> str:
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def raise_nofile_limit() -> int:
    """Raise RLIMIT_NOFILE's soft limit to the hard limit; children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_measured(argv: list[str], *, log_dir: Path, name: str, timeout_s: float,
                 cwd: Path | None = None, env: dict | None = None) -> Measurement:
    """Runs argv to completion (or kills it after timeout_s) and measures it.

    stdout/stderr go to files under log_dir (no pipe can fill and stall the
    child). The child leads its own process group so a timeout kills all of it.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path = log_dir / f"{name}.stdout"
    err_path = log_dir / f"{name}.stderr"
    timed_out = threading.Event()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=cwd, env=env, start_new_session=True)

        def on_timeout() -> None:
            timed_out.set()
            _signal_group(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, on_timeout)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, tell Popen
    return Measurement(
        argv=argv, wall_s=wall, user_s=usage.ru_utime, sys_s=usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024.0,  # Linux: kilobytes
        returncode=proc.returncode, timed_out=timed_out.is_set(),
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"))


def parse_fields(text: str) -> dict[str, str]:
    """Last `key=value key=value ...` pairs found in text (later lines win)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        for key, value in re.findall(r"([A-Za-z_]+)=(\S+)", line):
            fields[key] = value
    return fields


def error_fields(fields: dict[str, str]) -> str:
    """The error counts of a `key=value` summary line, whatever they are called."""
    found = [f"{k}={v}" for k, v in fields.items() if k == "errors" or k.endswith("_errors")]
    return " ".join(found) if found else "errors=?"


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (for servers that need a fixed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float, proc: subprocess.Popen | None = None,
                  host: str = "127.0.0.1") -> None:
    """Waits until host:port accepts a connection; raises after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {host}:{port} after {timeout_s:.0f} s")


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace_s: float = 10.0) -> None:
    """Sends sig to proc's group, waits up to grace_s, then SIGKILLs the group.

    Signals go only while the leader is unreaped, so the group id is still ours.
    """
    if proc.poll() is None:
        _signal_group(proc.pid, sig)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace_s)


class ListeningServer:
    """A server child that prints `listening on http://HOST:PORT`, stopped on exit.

    Used for crawler-test-server (and the stand-in bench/peers/delay_server.py).
    """

    def __init__(self, argv: list[str], log_path: Path, startup_timeout_s: float = 20.0):
        self.argv = argv
        self.log_path = log_path
        self.startup_timeout_s = startup_timeout_s
        self.proc: subprocess.Popen | None = None
        self.base_url = ""

    def __enter__(self) -> "ListeningServer":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self.base_url = self._read_banner()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _read_banner(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + self.startup_timeout_s
        buffered = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                if self.proc.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buffered += chunk
            match = re.search(rb"listening on (http://[0-9.]+:[0-9]+)", buffered)
            if match:
                return match.group(1).decode()
        raise RuntimeError(f"{self.argv[0]} printed no 'listening on' line "
                           f"(got {buffered[:200]!r}); see {self.log_path}")

    def cpu_s(self) -> float:
        """user+sys seconds the server has used so far."""
        assert self.proc is not None
        return proc_tree_cpu_s(self.proc.pid)

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        self._log.close()


def proc_tree_cpu_s(pid: int) -> float:
    """user+sys seconds so far of pid and its direct children (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def median_of(runs: list[Measurement], key) -> float:
    return statistics.median(key(m) for m in runs)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def executable_or_none(path: Path) -> Path | None:
    return path if path.is_file() and os.access(path, os.X_OK) else None
