#!/usr/bin/env python3
"""Soak dx-mock-server: mixed valid and invalid requests over several keep-alive connections, RSS sampled.

    scripts/soak.py [--requests 200000] [--connections 8] [--samples 20]

Starts the server (scripts/lib/mock-server.bash, release build from $MOCK_SERVER_BIN or the debug
build), sends --requests requests spread over --connections client threads, each on its own raw
keep-alive socket (reconnecting when the server closes one, as it does after a framing error), and
samples the server's RSS from /proc/PID/status --samples times. Prints the status histogram, the RSS
samples and the duration; exits 1 on any 5xx, a request without an answer, or RSS growth past 25%
(plus 16 MiB) between the first sample after warm-up and the last. Bounded: the request count is fixed
and every socket read times out after 30 s.
"""
import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "dxmock-token"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def request(method, path, body=b"", headers=None, token=TOKEN, raw_head=None):
    """The bytes of one request (raw_head replaces the generated head)."""
    if raw_head is not None:
        return raw_head + body
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One raw keep-alive connection that reads exactly one response per request."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buffer = b""

    def open(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.buffer = b""

    def exchange(self, data):
        """Sends `data`, returns (status, body, closed) or (None, b"", True) when nothing came back."""
        if self.sock is None:
            self.open()
        try:
            self.sock.sendall(data)
            while b"\r\n\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed before a response")
                self.buffer += chunk
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            fields = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
            length = int(fields.get("content-length", "0"))
            while len(rest) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed inside a body")
                rest += chunk
            body, self.buffer = rest[:length], rest[length:]
            closed = fields.get("connection", "").lower() == "close"
            if closed:
                self.close()
            return status, body, closed
        except (OSError, ConnectionError, ValueError, IndexError):
            self.close()
            return None, b"", True

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker(port, count, index, project, applet, results, lock):
    conn = Connection(port)
    histogram = collections.Counter()
    unanswered = 0
    record = None
    for n in range(count):
        kind = (n * 7 + index) % 16
        if kind == 0:
            data = request("POST", "/system/whoami", b"{}")
        elif kind == 1:
            data = request("POST", "/record/new", json.dumps({"project": project, "name": f"r{index}-{n}", "tags": ["a"]}).encode())
        elif kind == 2 and record:
            data = request("POST", f"/{project}/removeObjects", json.dumps({"objects": [record]}).encode())
            record = None
        elif kind == 3:
            data = request("POST", "/system/findDataObjects", json.dumps({"scope": {"project": project}, "limit": 5}).encode())
        elif kind == 4:
            data = request("POST", "/system/whoami", b"{not json")
        elif kind == 5:
            data = request("POST", "/no/such/route", b"{}")
        elif kind == 6:
            data = request("POST", "/system/whoami", b"{}", token="wrong-token")
        elif kind == 7:
            data = request("POST", f"/{project}/describe", b'{"folders": true}')
        elif kind == 8:
            data = request("POST", "/system/comeBackLater", b'{"waitUntil": 9223372036854775807}')
        elif kind == 9:
            data = request("POST", "/system/findDataObjects", json.dumps({"name": {"regexp": "(a*)*b"}, "limit": 1}).encode())
        elif kind == 10:
            data = request(None, None, b"{}", raw_head=b"POST /system/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n")
        elif kind == 11:
            data = request("GET", "/system/whoami?" + "&".join(f"a{i}=1" for i in range(300)))
        elif kind == 12:
            data = request("POST", f"/{project}/newFolder", json.dumps({"folder": "/" + "/".join(["d"] * 300), "parents": True}).encode())
        elif kind == 13:
            data = request("POST", f"/{project}/addTags", json.dumps({"tags": [f"t{i}" for i in range(1001)]}).encode())
        elif kind == 14:
            data = request("GET", "/F/download/file-000000000000000000000000/-/x")
        else:
            # Executions and the admin API, refused without adding state (runs would grow it).
            variant = (n // 16 + index) % 5
            if variant == 0:
                data = request("POST", f"/{applet}/run", json.dumps({"project": project, "input": {}, "rank": 1 << 62}).encode())
            elif variant == 1:
                data = request("POST", "/system/findJobs", b'{"limit": -9223372036854775808, "created": {"before": 9223372036854775807}}')
            elif variant == 2:
                data = request("POST", "/job-000000000000000000000000/describe", b"{}")
            elif variant == 3:
                data = request("GET", "/__admin/verify?toleranceMs=9223372036854775807", token=None)
            else:
                data = request("POST", "/system/whoami", b"[1, 2, 3]")
        status, body, _ = conn.exchange(data)
        if status is None:
            unanswered += 1
            continue
        histogram[status] += 1
        if kind == 1 and status == 200:
            try:
                record = json.loads(body)["id"]
            except (ValueError, KeyError):
                pass
    conn.close()
    with lock:
        results["histogram"].update(histogram)
        results["unanswered"] += unanswered


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="dxsoak-")
    started = subprocess.run(
        [os.path.join(ROOT, "scripts/lib/mock-server.bash"), work, "soak", "--log-level", "error"],
        capture_output=True, text=True, cwd=ROOT)
    if started.returncode != 0:
        print(started.stderr, file=sys.stderr)
        return 1
    pid, port = (int(x) for x in started.stdout.split())
    try:
        conn = Connection(port)
        status, body, _ = conn.exchange(request("POST", "/project/new", b'{"name": "soak"}'))
        project = json.loads(body)["id"]
        status, body, _ = conn.exchange(request("POST", "/applet/new", json.dumps({
            "project": project, "name": "soak", "dxapi": "1.0.0",
            "runSpec": {"interpreter": "bash", "code": "main() { :; }"}}).encode()))
        applet = json.loads(body)["id"]
        conn.close()

        results = {"histogram": collections.Counter(), "unanswered": 0}
        lock = threading.Lock()
        per_worker = args.requests // args.connections
        threads = []
        rounds = args.samples
        samples = []
        start = time.monotonic()
        # Rounds: each round runs every connection for its share, then samples RSS.
        for r in range(rounds):
            share = per_worker // rounds
            threads = [threading.Thread(target=worker, args=(port, share, i + r * args.connections, project, applet, results, lock))
                       for i in range(args.connections)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            samples.append(rss_kib(pid))
        elapsed = time.monotonic() - start
        total = sum(results["histogram"].values()) + results["unanswered"]
        print(f"soak: {total} requests over {args.connections} connections in {elapsed:.1f} s "
              f"({total / elapsed:.0f} req/s)")
        print("soak: statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(results["histogram"].items())))
        print(f"soak: unanswered {results['unanswered']}")
        print("soak: RSS KiB per round " + " ".join(str(s) for s in samples))
        warm = samples[min(2, len(samples) - 1)]
        growth = samples[-1] - warm
        print(f"soak: RSS after warm-up {warm} KiB, at the end {samples[-1]} KiB ({growth:+d} KiB)")
        fivexx = sum(v for k, v in results["histogram"].items() if k >= 500)
        ok = fivexx == 0 and results["unanswered"] == 0 and samples[-1] <= warm * 1.25 + 16 * 1024
        print(f"soak: {'PASS' if ok else 'FAIL'} (5xx: {fivexx})")
        return 0 if ok else 1
    finally:
        os.kill(pid, 15)
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
