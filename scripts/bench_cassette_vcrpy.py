"""VCR.py side of `scripts/bench-cassette.sh`.

Records N requests made with urllib3 against a local HTTP server into a YAML cassette (vcrpy,
libyaml), then replays them with record_mode="none" and prints `key=value` figures:
  vcr_load_replay_us   per request, cassette load included (what a test pays)
  vcr_replay_us        per request, cassette already loaded
The requests mirror the Swift benchmark's: POST /<object>/<route> with a JSON body whose key order
differs on replay and whose `nonce` changes (ignored by a custom matcher; DXKit ignores it by
default).
"""

import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import urllib3
import vcr
import yaml

ROUTES = ["describe", "close", "setProperties", "addTags", "listFolder"]


def request_parts(index, nonce, reordered):
    route = ROUTES[index % len(ROUTES)]
    obj = f"file-{index}" if index % 3 == 0 else f"record-{index}"
    members = [
        ("project", "project-bench"),
        ("nonce", nonce),
        ("fields", {"name": True, "state": True, "properties": True}),
        ("index", index),
    ]
    if reordered:
        members.reverse()
    return f"/{obj}/{route}", json.dumps(dict(members), separators=(",", ":"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        index = body.get("index", 0)
        reply = json.dumps({
            "id": f"record-{index}", "project": "project-bench", "name": f"object {index}",
            "state": "closed", "created": 1700000000 + index, "properties": {"k": "v"}, "tags": ["a", "b"],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def json_body_without_nonce(r1, r2):
    """Custom matcher: JSON bodies equal once `nonce` is dropped (key order ignored).

    Chosen because it is the fastest idiomatic option for VCR.py: a `before_record_request` hook that
    drops the nonce is re-applied to every recorded request on every lookup and measured ~7x slower.
    """
    def canon(request):
        data = json.loads(request.body or b"{}")
        data.pop("nonce", None)
        return data
    assert canon(r1) == canon(r2)


def make_vcr(mode):
    recorder = vcr.VCR(record_mode=mode, match_on=["method", "path", "json_body_without_nonce"])
    recorder.register_matcher("json_body_without_nonce", json_body_without_nonce)
    return recorder


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    http = urllib3.PoolManager()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer [REDACTED]"}
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "bench.yaml")
        with make_vcr("all").use_cassette(path):
            for index in range(count):
                route, body = request_parts(index, f"nonce-{index}-recorded", False)
                http.request("POST", base + route, body=body, headers=headers)
        server.shutdown()
        size = os.path.getsize(path)

        replayer = make_vcr("none")
        live = [request_parts(index, f"nonce-{index}-live", True) for index in range(count)]
        started = time.perf_counter()
        with replayer.use_cassette(path) as cassette:
            loaded = time.perf_counter()
            cpu_started = time.process_time()
            for route, body in live:
                response = http.request("POST", base + route, body=body, headers=headers)
                assert response.status == 200
            finished = time.perf_counter()
            cpu = time.process_time() - cpu_started
            assert cassette.play_count == count, cassette.play_count
    print(f"vcr_version={vcr.__version__} libyaml={yaml.__with_libyaml__} yaml_bytes={size}")
    print(f"vcr_load_ms={(loaded - started) * 1e3:.3f}")
    print(f"vcr_load_replay_us={(finished - started) / count * 1e6:.3f}")
    print(f"vcr_replay_us={(finished - loaded) / count * 1e6:.3f}")
    print(f"vcr_replay_cpu_us={cpu / count * 1e6:.3f}")


if __name__ == "__main__":
    main()
