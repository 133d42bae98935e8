#!/usr/bin/env python3
"""Cross-check DXKit's DXFile with dxpy's file functions on dx-mock-server, both ways.

A file uploaded by DXFile (dxkit-bench bindings upload) downloads byte-identical with
dxpy.download_dxfile, and a file uploaded with dxpy.upload_local_file downloads byte-identical with
DXFile (dxkit-bench bindings download). Both are multi-part (5 MiB parts). Also checks that the two
clients put the same part layout and per-part MD5s on the platform for the same bytes.

Env: DX_MOCK_SERVER (default .build/debug/dx-mock-server), DXKIT_BENCH (default
.build/debug/dxkit-bench). Run with the venv interpreter (DXKIT_PYTHON). Starts its own server on
port 0, stops it on exit, prints "N passed, N failed".
"""
import hashlib
import json
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import Checks  # noqa: E402
from mock_server import MockServer  # noqa: E402

BENCH = os.environ.get("DXKIT_BENCH", ".build/debug/dxkit-bench")
TOKEN = "tok-crosscheck"
MIB = 1 << 20
server = MockServer(["--token", TOKEN, "--seed", "5"], prefix="dxfile-crosscheck-")
work = server.tmp
CHECKS = Checks()
try:
    server.start(timeout=30)
    url = "http://127.0.0.1:%d" % server.port
    os.environ.update({
        "DX_APISERVER_HOST": "127.0.0.1", "DX_APISERVER_PORT": str(server.port), "DX_APISERVER_PROTOCOL": "http",
        "DX_SECURITY_CONTEXT": json.dumps({"auth_token": TOKEN, "auth_token_type": "Bearer"}),
        "DX_USER_CONF_DIR": os.path.join(work, "conf"),
    })
    for name in ("DX_PROJECT_CONTEXT_ID", "DX_WORKSPACE_ID", "DX_JOB_ID"):
        os.environ.pop(name, None)
    import dxpy  # noqa: E402  (configured from the environment above)
    project = dxpy.api.project_new({"name": "crosscheck"})["id"]
    dxpy.set_workspace_id(project)
    dxpy.set_project_context(project)
except Exception:
    traceback.print_exc()
    server.stop()
    print("0 passed, 1 failed")
    sys.exit(1)


check = CHECKS.check


def bench(*args):
    out = subprocess.run([BENCH, "bindings", *args, "--url", url, "--token", TOKEN, "--project", project],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    return dict(item.split("=", 1) for item in out.split()[1:])


content = os.urandom(12 * MIB + 12345)
source = os.path.join(work, "source.bin")
with open(source, "wb") as f:
    f.write(content)
state = {}


def parts_of(file_id):
    parts = dxpy.DXFile(file_id, project=project).describe(fields={"parts"})["parts"]
    return [(int(k), parts[k]["size"], parts[k]["md5"]) for k in sorted(parts, key=int)]


def swift_up_dxpy_down():
    figures = bench("upload", "--file", source, "--part-size", str(5 * MIB))
    state["swift"] = figures["id"]
    target = os.path.join(work, "from-swift.bin")
    dxpy.download_dxfile(figures["id"], target, project=project)
    with open(target, "rb") as f:
        assert f.read() == content, "dxpy downloaded different bytes"
    desc = dxpy.DXFile(figures["id"], project=project).describe()
    assert desc["state"] == "closed" and desc["name"] == "source.bin" and desc["size"] == len(content), desc


def dxpy_up_swift_down():
    handler = dxpy.upload_local_file(source, write_buffer_size=5 * MIB, wait_on_close=True)
    state["dxpy"] = handler.get_id()
    target = os.path.join(work, "from-dxpy.bin")
    figures = bench("download", "--id", handler.get_id(), "--out", target)
    assert int(figures["bytes"]) == len(content), figures
    with open(target, "rb") as f:
        assert f.read() == content, "DXFile downloaded different bytes"


def same_layout():
    swift, python = parts_of(state["swift"]), parts_of(state["dxpy"])
    assert swift == python, (swift, python)
    assert [size for _, size, _ in swift] == [5 * MIB, 5 * MIB, 2 * MIB + 12345], swift
    assert swift[0][2] == hashlib.md5(content[:5 * MIB]).hexdigest()


try:
    check("DXFile upload -> dxpy.download_dxfile is byte-identical", swift_up_dxpy_down)
    check("dxpy.upload_local_file -> DXFile download is byte-identical", dxpy_up_swift_down)
    check("both clients leave the same parts and MD5s on the platform", same_layout)
finally:
    server.stop()
CHECKS.finish()
