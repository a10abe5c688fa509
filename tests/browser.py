"""A headless Chromium for the browser tests: Debian's package, installed with apt-get when missing
(the `chromium` fixture in conftest.py), run with flags that keep it off the network and out of the
user's profile; and a static file server on loopback for pages that link to each other."""

from __future__ import annotations

import functools
import os
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1400, 900)


def _installed() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def install_chromium() -> Path:
    """A Chromium already installed, else Debian's, installed with apt-get. Skips (with the reason) where
    none is installed and apt-get cannot install one (Windows, macOS, no root and no sudo); fails where
    apt-get is there and the install fails, so a Debian CI never silently drops the browser tests."""
    found = _installed()
    if found is not None:
        return found
    if not hasattr(os, "geteuid") or shutil.which("apt-get") is None:
        pytest.skip("no Chromium is installed and this OS has no apt-get to install Debian's (the browser tests "
                    "need a headless Chromium)")
    # As root here and in CI; through sudo on a hosted runner (e.g. the GitHub workflow).
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n", "-E"]
    if sudo and shutil.which("sudo") is None:
        pytest.skip("no Chromium is installed, and installing Debian's needs root or sudo, which this user has not")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command, limit in ((sudo + ["apt-get", "update"], 600),
                           (sudo + ["apt-get", "install", "-y", "chromium"], 1500)):
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=limit)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.fail(f"cannot install Chromium for the browser test: `{' '.join(command)}` failed: {exc}")
        if result.returncode != 0:
            pytest.fail(f"cannot install Chromium for the browser test: `{' '.join(command)}` exited with "
                        f"{result.returncode}:\n{result.stderr[-3000:]}")
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} does not exist")
    return CHROMIUM


def run_chromium(chromium: Path, profile: Path, *arguments: str, window: tuple[int, int] = WINDOW,
                 timeout: int = 60) -> subprocess.CompletedProcess:
    command = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-proxy-server", f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}",
               *arguments]
    try:
        return subprocess.run(command, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {timeout} s: {' '.join(command)}")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class _QuietHandler(SimpleHTTPRequestHandler):
    extra: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802  (the http.server API)
        body = self.extra.get(self.path.split("?")[0])
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # the test output is no place for an access log
        pass


@contextmanager
def static_server(folder: Path, extra: dict[str, bytes] | None = None) -> Iterator[str]:
    """Serve `folder` (and `extra`: path -> HTML bytes) on 127.0.0.1 at a free port; yields the base URL."""
    handler = type("Handler", (_QuietHandler,), {"extra": dict(extra or {})})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
