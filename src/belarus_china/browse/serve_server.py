"""Running Datasette for `belarus-china serve`: only ever on a loopback address (127.0.0.0/8, ::1, localhost),
started through `datasette_launcher.py` (it dies with us, even when we are killed), with the database immutable
(`-i`), the plugins of datasette_plugins/ and the rendered pages under /package/. `start_server()` runs it in the
background and returns once it answers; `stop_server()` ends it; `run_until_stopped()` runs it in the foreground,
passing SIGTERM, SIGINT and SIGHUP on to it.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..contract.registry import Registry
from .serve_metadata import STATIC
from .serve_prepare import Prepared, prepare

PLUGINS_DIR = Path(__file__).with_name("datasette_plugins")
LAUNCHER = Path(__file__).with_name("datasette_launcher.py")
DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"
START_TIMEOUT = 30.0


def loopback_host(host: str) -> str:
    """`host` if it is a loopback address (or `localhost`); ValueError otherwise."""
    if host == "localhost":
        return host
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ValueError(f"refusing to serve on {host!r}: only loopback addresses (127.0.0.1, ::1, localhost) "
                         "are allowed") from None
    if not address.is_loopback:
        raise ValueError(f"refusing to serve on {host!r}: it is not a loopback address "
                         "(use 127.0.0.1, ::1 or localhost)")
    return str(address)


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def require_datasette() -> None:
    if importlib.util.find_spec("datasette") is None:
        raise RuntimeError("Datasette is not installed: pip install 'belarus-china[serve]' (or pip install datasette)")


def datasette_command(prepared: Prepared, host: str, port: int) -> list[str]:
    """Datasette through the launcher (it dies with us), serving the database immutable (`-i`: opened
    read-only, no locking, no change detection), with the plugins of datasette_plugins/ (`--plugins-dir`: the
    links, the raw texts, the safety headers) and the evidence viewer's rendered pages as static files under
    /package/."""
    return [sys.executable, str(LAUNCHER), str(os.getpid()), "serve", "-i", str(prepared.database),
            "--metadata", str(prepared.metadata), "--plugins-dir", str(PLUGINS_DIR),
            "--static", f"{STATIC}:{prepared.files}", "--host", host, "--port", str(port)]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def fetch(url: str, timeout: float = 5.0) -> bytes:
    """GET `url` directly (no proxy)."""
    with _OPENER.open(url, timeout=timeout) as response:
        return response.read()


def _log_text(process: subprocess.Popen) -> str:
    log = getattr(process, "belarus_china_log", None)
    if log is None:
        return ""
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-4000:]


def start_server(package_dir=None, host: str = DEFAULT_HOST, port: int | None = None, sqlite_path=None,
                 timeout: float = START_TIMEOUT, registry: Registry | None = None) -> tuple[subprocess.Popen, str]:
    """Start Datasette in the background; returns (process, base URL) once /-/versions.json answers.

    `port=None` picks a free port. Waits at most `timeout` seconds; raises RuntimeError (with
    Datasette's output) if it exits or does not answer in time. End it with `stop_server(process)`.
    """
    host = loopback_host(host)
    require_datasette()
    port = free_port(host) if port is None else port
    prepared = prepare(package_dir, sqlite_path, registry)
    temporary = prepared.temporary
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(datasette_command(prepared, host, port), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT)
    except BaseException:
        log.close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        raise
    setattr(process, "belarus_china_log", log)  # noqa: B010  (Popen has no slot for them)
    setattr(process, "belarus_china_tempdir", temporary)  # noqa: B010
    url = base_url(host, port)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = _log_text(process)
            stop_server(process)
            raise RuntimeError(f"datasette exited with code {process.returncode}:\n{output}")
        try:
            json.loads(fetch(f"{url}/-/versions.json", timeout=2))
            return process, url
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            output = _log_text(process)
            stop_server(process)
            raise RuntimeError(f"datasette did not answer on {url} within {timeout:g} s:\n{output}")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate a server from `start_server` (kill it if it does not stop) and remove its temporary files."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    log = getattr(process, "belarus_china_log", None)
    if log is not None:
        log.close()
    temporary = getattr(process, "belarus_china_tempdir", None)
    if temporary is not None:
        shutil.rmtree(temporary, ignore_errors=True)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def run_until_stopped(command: list[str]) -> int:
    """Run Datasette in the foreground; SIGTERM, SIGINT and SIGHUP stop it (and then us, with 0)."""
    stopping: list[int] = []
    process: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.append(signum)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}  # before the child exists: no gap
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        if stopping:  # a signal came while it was starting
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait()
        except KeyboardInterrupt:  # a SIGINT handler installed by someone else
            stopping.append(signal.SIGINT)
            code = -1
        return 0 if stopping else code
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)

