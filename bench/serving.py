"""What the HTTP benches and the two-server test share: gunicorn started as in production, and the machine.

Imported as `bench.serving`, with the checkout's root on `sys.path`.
"""

import http.client
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import timeit
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The virtualenv's own scripts, beside the interpreter that runs the bench, wherever the checkout is.
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.add(int(entry.name))
    return found


def get(port: int, path: str) -> tuple[int, int]:
    """GET a path; the status and the size of the body, read to its end."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        client.request("GET", path)
        response = client.getresponse()
        return response.status, len(response.read())
    finally:
        client.close()


class Gunicorn:
    """gunicorn serving avustamo.wsgi on 127.0.0.1 with the project's `gunicorn.conf.py`, in the environment given
    (production settings are the caller's to set)."""

    def __init__(
        self,
        *,
        log: Path,
        workers: int,
        environment: dict | None = None,
        extra_arguments: tuple[str, ...] = (),
        port: int | None = None,
        wait: bool = True,
    ):
        self.port = port or free_port()
        self.worker_count = workers
        self.log_path = log
        self.log = log.open("w")
        environment = (environment or dict(os.environ)) | {"SITE_URL": f"http://127.0.0.1:{self.port}"}
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "avustamo.wsgi",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                *extra_arguments,
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_until_serving()

    def wait_until_serving(self, previous: set[int] = frozenset()) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.log_path}")
            workers = self.workers()
            if len(workers) == self.worker_count and not workers & previous:
                try:
                    if get(self.port, "/health")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within a minute; see {self.log_path}")

    def workers(self) -> set[int]:
        return children_of(self.process.pid)

    def renew_workers(self) -> None:
        """Fresh workers (gunicorn's HUP), so that their high-water mark of memory starts from a new process."""
        old = self.workers()
        self.process.send_signal(signal.SIGHUP)
        self.wait_until_serving(previous=old)

    def begin_stop(self) -> None:
        """At once (SIGINT): a graceful stop waits up to 30 s for the clients' idle keep-alive connections."""
        self.process.send_signal(signal.SIGINT)

    def stop(self) -> None:
        self.begin_stop()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def memory_kib_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory = memory_kib_total() / 1024 / 1024
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB memory, Python {platform.python_version()}; "
        f"the speed test took {python_speed_test_ms():.0f} ms"
    )


def python_speed_test_ms() -> float:
    """How long a fixed piece of Python takes here, best of five. The same virtual machine has run the same bench
    at half the speed on another day (docs/performance.md, third round): figures of two runs compare only beside
    this one."""

    def work() -> int:
        index = {}
        for number in range(100_000):
            index[f"{number:06d}"] = len(str(number * 7))
        return sum(index.values())

    return 1000 * min(timeit.repeat(work, number=1, repeat=5))


def load_average() -> str:
    """Other work on the machine slows every figure: worth reading beside them."""
    return "load average " + " ".join(f"{load:.2f}" for load in os.getloadavg())
