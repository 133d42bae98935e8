#!/usr/bin/env python3
"""VCR.py cassettes in and out of DXKit, with real clients on both sides.

1. dxpy runs a session against `dx-mock-server --seed 21` while VCR.py (vcrpy, the venv's) records it
   into a YAML cassette, as a Python team's test suite does.
2. `dxcassette import --from vcrpy` turns that YAML into a .dxcassette (the token is redacted).
3. dxpy runs the same session against `dx-mock-server --replay` of the imported cassette, with no
   upstream running: every result (IDs, names, errors) is the recorded one.
4. `dxcassette export --to vcrpy` writes the cassette back as YAML, and VCR.py itself replays the
   session from it (record_mode "none": nothing reaches a network).
5. Importing that YAML again gives the same interactions (`dxcassette diff` finds none changed).

Env: DX_MOCK_SERVER, DXCASSETTE (default .build/debug/...). Run with the venv interpreter
(DXKIT_PYTHON). Prints "N passed, N failed".
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import Checks  # noqa: E402

SERVER = os.environ.get("DX_MOCK_SERVER", ".build/debug/dx-mock-server")
TOOL = os.environ.get("DXCASSETTE", ".build/debug/dxcassette")
TOKEN = "vcrpy-interop-token-5e1b7c"
work = tempfile.mkdtemp(prefix="dx-vcrpy-")
procs = []
CHECKS = Checks()


def start(name, *args):
    """A dx-mock-server on port 0, through the scripts' one way of starting it; returns (pid, port)."""
    line = subprocess.run(["scripts/lib/mock-server.bash", work, name, *args], check=True,
                          capture_output=True, text=True, timeout=120).stdout.split()
    pid, port = int(line[0]), int(line[1])
    procs.append(pid)
    return pid, port


def stop(pid):
    """SIGTERM, then wait (bounded) for the server to exit."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=120)


check = CHECKS.check


def point_dxpy(port):
    import dxpy
    dxpy.set_api_server_info(host="127.0.0.1", port=port, protocol="http")
    dxpy.set_security_context({"auth_token": TOKEN, "auth_token_type": "Bearer"})


def session():
    """A dxpy session; returns what it saw, comparable between runs."""
    import dxpy
    from dxpy.exceptions import DXAPIError
    seen = []
    seen.append(dxpy.api.system_whoami()["id"])
    project = dxpy.api.project_new({"name": "vcrpy interop"})["id"]
    seen.append(project)
    dxpy.api.project_new_folder(project, {"folder": "/data", "parents": True})
    record = dxpy.api.record_new({"project": project, "folder": "/data", "name": "r1",
                                  "details": {"n": 1, "text": "caf\u00e9"}, "types": ["Sample"]})["id"]
    seen.append(record)
    dxpy.api.record_close(record, {"project": project})
    described = dxpy.api.record_describe(record, {"project": project, "details": True})
    seen.append([described["name"], described["state"], described["details"]])
    listed = dxpy.api.project_list_folder(project, {"folder": "/data"})
    seen.append(sorted(item["id"] for item in listed["objects"]))
    found = dxpy.api.system_find_data_objects({"scope": {"project": project}, "describe": True})
    seen.append([(item["id"], item["describe"]["name"]) for item in found["results"]])
    try:
        dxpy.api.record_describe("record-000000000000000000000000", always_retry=False)
        seen.append("no error")
    except DXAPIError as error:
        seen.append([error.name, error.code])
    return seen


os.environ["DX_USER_CONF_DIR"] = os.path.join(work, "conf")
for variable in ("DX_PROJECT_CONTEXT_ID", "DX_WORKSPACE_ID", "DX_JOB_ID"):
    os.environ.pop(variable, None)

try:
    import vcr  # noqa: E402
    import dxpy  # noqa: E402,F401
except Exception:
    traceback.print_exc()
    print("0 passed, 1 failed")
    sys.exit(1)

# VCR.py 9 cannot record dxpy's requests as they are: dxpy passes header names and values as bytes,
# and VCR.py's HeadersDict joins them as str (TypeError). A Python suite that records dxpy with VCR.py
# decodes them first, as this shim does; nothing else about the requests changes.
import urllib3  # noqa: E402

_pool_request = urllib3.PoolManager.request


def _text_headers_request(self, method, url, *args, headers=None, **kwargs):
    if headers:
        headers = {(k.decode("latin-1") if isinstance(k, bytes) else k):
                   (v.decode("latin-1") if isinstance(v, bytes) else v) for k, v in headers.items()}
    return _pool_request(self, method, url, *args, headers=headers, **kwargs)


urllib3.PoolManager.request = _text_headers_request

state = {}
yaml_path = os.path.join(work, "session.yaml")
cassette = os.path.join(work, "session.dxcassette")


def record():
    upstream, port = start("upstream", "--seed", "21", "--token", TOKEN)
    state["upstream_port"] = port
    try:
        point_dxpy(port)
        with vcr.use_cassette(yaml_path, record_mode="all") as recorded:
            state["recorded"] = session()
        assert len(recorded.data) >= 8, len(recorded.data)
    finally:
        stop(upstream)
    text = open(yaml_path).read()
    assert "version: 1" in text and TOKEN in text  # VCR.py keeps the token as it was sent


def import_yaml():
    result = tool("import", "--from", "vcrpy", yaml_path, cassette)
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout, result.stdout
    exported = tool("export", cassette)
    assert exported.returncode == 0, exported.stderr
    assert TOKEN not in exported.stdout, "the token reached the cassette"
    assert tool("audit", cassette).returncode == 0


def replay_with_dxpy():
    replay, port = start("replay", "--replay", cassette)
    try:
        point_dxpy(port)
        replayed = session()
    finally:
        stop(replay)
    assert replayed == state["recorded"], (replayed, state["recorded"])


def vcrpy_replays_export():
    back = os.path.join(work, "back.yaml")
    result = tool("export", "--to", "vcrpy", cassette, "-o", back)
    assert result.returncode == 0, result.stderr
    # The cassette's URIs name the recording upstream's port; VCR.py answers without connecting.
    point_dxpy(state["upstream_port"])
    with vcr.use_cassette(back, record_mode="none") as replayed_cassette:
        replayed = session()
        assert replayed_cassette.all_played, "VCR.py left interactions unplayed"
    assert replayed == state["recorded"], (replayed, state["recorded"])
    state["back"] = back


def round_trip():
    again = os.path.join(work, "again.dxcassette")
    result = tool("import", "--from", "vcrpy", state["back"], again)
    assert result.returncode == 0, result.stderr
    diff = tool("diff", cassette, again)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "identical" in diff.stdout, diff.stdout


try:
    for name, fn in [
        ("dxpy session recorded by VCR.py against dx-mock-server", record),
        ("dxcassette import --from vcrpy redacts the token", import_yaml),
        ("dxpy replays the imported cassette through dx-mock-server --replay", replay_with_dxpy),
        ("VCR.py replays dxcassette export --to vcrpy", vcrpy_replays_export),
        ("vcrpy → dxcassette → vcrpy → dxcassette is identical", round_trip),
    ]:
        if CHECKS.failed:
            CHECKS.skip(name, "skipped after an earlier failure")
            continue
        check(name, fn)
finally:
    for pid in procs:
        stop(pid)
    if os.environ.get("KEEP_VCRPY_WORK"):
        print("work directory:", work)
    else:
        subprocess.run(["rm", "-rf", work])
CHECKS.finish()
