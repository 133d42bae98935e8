"""VCR.py side of `scripts/bench-cassette-import.sh`.

Writes, in DIRECTORY, a VCR.py cassette of N interactions (`bench.yaml`, serialized by vcrpy's own
Cassette and YAML persister, libyaml) and a HAR 1.2 file of N entries (`bench.har`, the shape mitmproxy
writes), both of DNAnexus-like JSON API calls; then times, best of 3 runs, what VCR.py pays to load its
cassette (`vcr.cassette.Cassette.load`, what `use_cassette` does on entry) and Python's json.load of the
HAR. Prints `key=value` lines.
"""

import json
import os
import sys
import time

import vcr
import yaml
from vcr.cassette import Cassette
from vcr.request import Request

ROUTES = ["describe", "close", "setProperties", "addTags", "listFolder"]


def exchange(index):
    route = ROUTES[index % len(ROUTES)]
    obj = f"file-{index:024d}" if index % 3 == 0 else f"record-{index:022d}"
    body = json.dumps({"project": "project-bench", "fields": {"name": True, "state": True}, "index": index})
    reply = json.dumps({"id": obj, "project": "project-bench", "name": f"object {index}", "state": "closed",
                        "created": 1700000000 + index, "properties": {"k": "v"}, "tags": ["a", "b"]})
    return f"http://127.0.0.1:8124/{obj}/{route}", body, reply


def write_vcrpy(path, count):
    cassette = Cassette(path, record_mode="all")
    for index in range(count):
        uri, body, reply = exchange(index)
        request = Request("POST", uri, body, {"Content-Type": "application/json",
                                              "Authorization": "Bearer bench-token-0123456789"})
        response = {"status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": ["application/json"], "Content-Length": [str(len(reply))]},
                    "body": {"string": reply.encode()}}
        cassette.append(request, response)
    cassette._save(force=True)


def write_har(path, count):
    entries = []
    for index in range(count):
        uri, body, reply = exchange(index)
        entries.append({
            "startedDateTime": f"2026-12-03T18:{index // 6000 % 60:02d}:{index // 100 % 60:02d}.{index % 1000:03d}000+00:00",
            "time": 2.5,
            "request": {"method": "POST", "url": uri, "httpVersion": "HTTP/1.1", "cookies": [],
                        "headers": [{"name": "Content-Type", "value": "application/json"}], "queryString": [],
                        "postData": {"mimeType": "application/json", "text": body}, "headersSize": -1,
                        "bodySize": len(body)},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                         "headers": [{"name": "Content-Type", "value": "application/json"}],
                         "content": {"size": len(reply), "mimeType": "application/json", "text": reply},
                         "redirectURL": "", "headersSize": -1, "bodySize": len(reply)},
            "cache": {}, "timings": {"send": 0.2, "wait": 2.0, "receive": 0.3},
        })
    with open(path, "w") as output:
        json.dump({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": entries}},
                  output)


def best(function, runs=3):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    directory = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    yaml_path = os.path.join(directory, "bench.yaml")
    har_path = os.path.join(directory, "bench.har")
    write_vcrpy(yaml_path, count)
    write_har(har_path, count)

    def load_vcrpy():
        loaded = Cassette.load(path=yaml_path, record_mode="none")
        assert len(loaded.data) == count, len(loaded.data)

    def load_har():
        with open(har_path) as source:
            assert len(json.load(source)["log"]["entries"]) == count

    print(f"vcr_version={vcr.__version__} libyaml={yaml.__with_libyaml__}")
    print(f"vcrpy_path={yaml_path}")
    print(f"har_path={har_path}")
    print(f"vcrpy_load_s={best(load_vcrpy):.3f}")
    print(f"har_json_load_s={best(load_har):.3f}")


if __name__ == "__main__":
    main()
