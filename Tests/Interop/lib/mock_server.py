"""A dx-mock-server for the Python interop scripts, started by scripts/lib/mock-server.bash.

The shell helper does the starting (port 0, waiting for the port file); this module only runs it,
keeps the PID and port, reads the log and stops the server.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time

_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
HELPER = os.path.join(_ROOT, "scripts", "lib", "mock-server.bash")
SERVER = os.environ.get("DX_MOCK_SERVER", os.path.join(_ROOT, ".build", "debug", "dx-mock-server"))


class MockServer:
    """One server on 127.0.0.1 port 0 with the given flags (not started until start())."""

    def __init__(self, args=(), prefix="dx-mock-server-interop-"):
        self.args = list(args)
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.log_path = os.path.join(self.tmp, "server.log")
        self.pid = None
        self.port = None

    def start(self, timeout=60):
        """Starts the server and waits for its port; raises RuntimeError with the log on failure."""
        if not os.path.exists(SERVER):
            raise RuntimeError("server binary not found: %s (set DX_MOCK_SERVER)" % SERVER)
        env = dict(os.environ, MOCK_SERVER_BIN=SERVER, MOCK_SERVER_START_SECONDS=str(int(timeout)))
        done = subprocess.run(["bash", HELPER, self.tmp, "server"] + self.args, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 30)
        if done.returncode != 0:
            raise RuntimeError("dx-mock-server did not start:\n%s" % done.stderr.decode("utf-8", "replace"))
        pid, port = done.stdout.split()
        self.pid, self.port = int(pid), int(port)
        return self

    def running(self):
        """Whether the server process still exists."""
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def log(self):
        """The end of the server's log."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after `timeout` seconds; removes the server's folder."""
        if self.running():
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.running() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.running():
                os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)
