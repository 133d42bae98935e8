#!/usr/bin/env python3
"""dxpy and the real `dx` against dx-mock-server's fault injection and retry-contract verifier.

1. dxpy's upload_local_file with S3's XML 400 (RequestTimeout) on the first attempt of one part:
   the upload succeeds with exactly one extra PUT, and the verifier reports nothing.
2. dxpy's bindings and the real `dx` CLI under `--chaos flaky-network` (seeded): everything succeeds,
   faults really fired, and GET /__admin/verify reports no violation.

Env: DX_MOCK_SERVER, DXKIT_DX (default .venv/bin/dx). Prints "N passed, N failed".
"""
import hashlib
import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import Checks  # noqa: E402
from mock_server import MockServer  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DX = os.environ.get("DXKIT_DX", os.path.join(ROOT, ".venv", "bin", "dx"))
TOKEN = "tok-faults-alice"
CHECKS = Checks()


check = CHECKS.check


def admin(server, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (server.port, path), data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode())


def configure(server):
    conf = os.path.join(server.tmp, "conf")
    env = {
        "DX_APISERVER_HOST": "127.0.0.1", "DX_APISERVER_PORT": str(server.port), "DX_APISERVER_PROTOCOL": "http",
        "DX_SECURITY_CONTEXT": json.dumps({"auth_token": TOKEN, "auth_token_type": "Bearer"}),
        "DX_USER_CONF_DIR": conf,
    }
    os.environ.update(env)
    for name in ("DX_PROJECT_CONTEXT_ID", "DX_WORKSPACE_ID", "DX_JOB_ID"):
        os.environ.pop(name, None)
    import dxpy
    dxpy.set_api_server_info(host="127.0.0.1", port=server.port, protocol="http")
    dxpy.set_security_context({"auth_token": TOKEN, "auth_token_type": "Bearer"})
    return dxpy


def expect_clean(server):
    report = admin(server, "GET", "/__admin/verify")
    assert report["ok"], json.dumps(report["violations"], indent=1)[:3000]
    return report


def upload_with_s3_timeout():
    server = MockServer(["--token", TOKEN, "--seed", "5"], prefix="dxpy-faults-s3-").start(timeout=30)
    try:
        dxpy = configure(server)
        project = dxpy.api.project_new({"name": "s3"})["id"]
        # Part 2's first attempt gets S3's XML 400; its second attempt and every other part pass.
        admin(server, "POST", "/__admin/faults", {
            "match": {"method": "PUT", "path": "/F/upload/*", "attempt": 1},
            "fault": {"type": "status", "status": 400, "s3Error": "RequestTimeout"},
            "skip": 1, "times": 1, "id": "s3-timeout"})
        path = os.path.join(server.tmp, "blob.bin")
        data = bytes((i * 7 + 3) % 251 for i in range(11 * 1024 * 1024))
        with open(path, "wb") as f:
            f.write(data)
        handle = dxpy.upload_local_file(path, project=project, wait_on_close=True,
                                        write_buffer_size=5 * 1024 * 1024)
        described = handle.describe()
        assert described["state"] == "closed", described
        puts = [e for e in admin(server, "GET", "/__admin/requests")["requests"]
                if e["method"] == "PUT" and e["path"].startswith("/F/upload/")]
        parts = len({e["path"].split("/")[4] for e in puts})
        assert parts == 3, [e["path"] for e in puts]
        assert len(puts) == parts + 1, "expected exactly one extra PUT: %s" % [(e["path"], e["status"]) for e in puts]
        assert [e["status"] for e in puts].count(400) == 1
        rule = admin(server, "GET", "/__admin/faults/s3-timeout")
        assert rule["applied"] == 1, rule
        downloaded = dxpy.DXFile(handle.get_id(), project=project, mode="rb").read()
        assert hashlib.md5(downloaded).hexdigest() == hashlib.md5(data).hexdigest()
        expect_clean(server)
    finally:
        server.stop()


def chaos_run():
    server = MockServer(["--token", TOKEN, "--seed", "2024", "--chaos", "flaky-network"],
                        prefix="dxpy-faults-chaos-").start(timeout=30)
    try:
        dxpy = configure(server)
        env = dict(os.environ)
        project = dxpy.api.project_new({"name": "chaos"})["id"]
        for i in range(12):
            record = dxpy.new_dxrecord(project=project, name="r%d" % i, details={"i": i}, close=True)
            assert record.describe()["name"] == "r%d" % i
        dxpy.api.project_new_folder(project, {"folder": "/data", "parents": True})
        listed = dxpy.api.project_list_folder(project, {"folder": "/"})
        assert len(listed["objects"]) == 12, listed
        path = os.path.join(server.tmp, "chaos.txt")
        with open(path, "w") as f:
            f.write("chaos\n" * 2000)

        def dx(*args):
            done = subprocess.run([DX] + list(args), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=300)
            assert done.returncode == 0, "dx %s: %s" % (" ".join(args), done.stderr.decode()[-2000:])
            return done.stdout.decode()

        dx("select", project)
        dx("upload", path, "--path", project + ":/data/chaos.txt", "--wait")
        assert "chaos.txt" in dx("ls", project + ":/data")
        out = os.path.join(server.tmp, "back.txt")
        dx("download", project + ":/data/chaos.txt", "-o", out, "-f")
        with open(out) as f:
            assert f.read() == "chaos\n" * 2000
        described = json.loads(dx("describe", project + ":/data/chaos.txt", "--json"))
        assert described["state"] == "closed"
        dx("mkdir", project + ":/more")
        dx("rmdir", project + ":/more")
        entries = admin(server, "GET", "/__admin/requests")["requests"]
        fired = [e for e in entries if e.get("fault")]
        assert len(fired) >= 3, "the chaos profile should have fired a few times, fired %d" % len(fired)
        report = expect_clean(server)
        print("chaos: %d requests, %d faults, %d operations" % (len(entries), len(fired), report["operations"]))
    finally:
        server.stop()


check("upload_local_file with S3's XML 400 on one part's first attempt: one extra PUT", upload_with_s3_timeout)
check("dxpy and dx under --chaos flaky-network: all succeed, the verifier reports nothing", chaos_run)
CHECKS.finish()
