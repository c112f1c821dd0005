"""The README's serve command, run as a writer runs it: scripts/serve.sh with the existing .venv
(its setup is already done, so nothing installs), on a free port and on a busy one."""
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT

SERVE = ["bash", "scripts/serve.sh"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(**extra: str) -> dict:
    """The caller's environment without a PORT of its own, so each test says which port."""
    e = {k: v for k, v in os.environ.items() if k != "PORT"}
    return {**e, **extra}


@pytest.fixture
def busy_port():
    """A port something is listening on, as when another server already runs there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_setup_installs_nothing_when_the_venv_is_ready():
    """serve after test (and test after serve) finds its stamp and runs no pip."""
    for level in ("test", "serve", "test"):
        started = time.monotonic()
        done = subprocess.run(["bash", "scripts/setup.sh", level], cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        if level == "test":  # the first run may have had to catch up with pyproject.toml
            continue
        assert time.monotonic() - started < 5
        assert "Installing" not in done.stderr
    assert (ROOT / ".venv/.installed-serve").is_file()
    assert (ROOT / ".venv/.installed-test").is_file()


def test_setup_refuses_an_unknown_level():
    done = subprocess.run(["bash", "scripts/setup.sh", "everything"], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert "usage: bash scripts/setup.sh [serve|test]" in done.stderr


def test_serve_answers_on_the_port_asked_for():
    port = free_port()
    server = subprocess.Popen(SERVE + ["--port", str(port)], cwd=ROOT, env=env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 90  # setup (nothing to do) and one full build
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status, page = answer.status, answer.read().decode()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"serve.sh exited with {server.returncode}: {server.stderr.read()}")
                if time.monotonic() > deadline:
                    pytest.fail("serve.sh did not answer within 90 s")
                time.sleep(0.5)
        assert status == 200
        assert "<title>" in page and "Mastodon API reference</title>" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        server.stderr.close()


@pytest.mark.parametrize("how", ["--port N", "--port=N", "PORT=N", "-a 127.0.0.1:N", "--dev-addr=127.0.0.1:N"])
def test_a_busy_port_stops_serve_before_the_build(busy_port, how):
    args, extra = [], {}
    if how.startswith("PORT="):
        extra["PORT"] = str(busy_port)
    else:
        args = how.replace("N", str(busy_port)).split()
    started = time.monotonic()
    done = subprocess.run(SERVE + args, cwd=ROOT, env=env(**extra), capture_output=True, text=True,
                          timeout=60, start_new_session=True)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"port {busy_port} on 127.0.0.1 is in use; pick another with --port N" in done.stderr
    assert "Traceback" not in output
    assert "Building documentation" not in output
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_port_overrides_the_port_of_dev_addr(busy_port):
    """-a names the address, --port the port: the busy port is the one checked."""
    done = subprocess.run(SERVE + ["-a", f"127.0.0.1:{free_port()}", "--port", str(busy_port)],
                          cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"port {busy_port} on 127.0.0.1 is in use" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--port", "http"], "the port must be a number from 1 to 65535 (got 'http')"),
    (["--port", "70000"], "the port must be a number from 1 to 65535 (got '70000')"),
    (["-a", "8001"], "-a/--dev-addr takes HOST:PORT, e.g. 127.0.0.1:8001 (got '8001')"),
    (["-a", "example.org:8001"], "'example.org' is not an IP address or localhost"),
])
def test_a_wrong_address_is_said_plainly(args, message):
    done = subprocess.run(SERVE + args, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
