#!/usr/bin/env python3
"""dxpy's bindings (DXProject, DXRecord, DXFile, find_data_objects) against dx-mock-server.

Env: DX_MOCK_SERVER (default .build/debug/dx-mock-server). Run with the venv interpreter
(DXKIT_PYTHON). Starts its own server on port 0, stops it on exit, prints "N passed, N failed".
"""
import hashlib
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from checks import Checks  # noqa: E402
from mock_server import MockServer  # noqa: E402

server = MockServer(["--token", "tok-alice", "--default-user", "alice", "--user", "bob=tok-bob", "--seed", "11"],
                    prefix="dxpy-bindings-")
work = server.tmp
CHECKS = Checks()


def stop():
    server.stop()


try:
    port = str(server.start(timeout=30).port)
    os.environ.update({
        "DX_APISERVER_HOST": "127.0.0.1", "DX_APISERVER_PORT": port, "DX_APISERVER_PROTOCOL": "http",
        "DX_SECURITY_CONTEXT": json.dumps({"auth_token": "tok-alice", "auth_token_type": "Bearer"}),
        "DX_USER_CONF_DIR": os.path.join(work, "conf"),
    })
    for name in ("DX_PROJECT_CONTEXT_ID", "DX_WORKSPACE_ID", "DX_JOB_ID"):
        os.environ.pop(name, None)
    import dxpy  # noqa: E402  (configured from the environment above)
    from dxpy.exceptions import DXAPIError  # noqa: E402
except Exception:
    traceback.print_exc()
    stop()
    print("0 passed, 1 failed")
    sys.exit(1)


check = CHECKS.check


state = {}


def project():
    p = dxpy.DXProject(dxpy.api.project_new({"name": "bindings"})["id"])
    state["project"] = p.get_id()
    dxpy.set_workspace_id(p.get_id())
    dxpy.set_project_context(p.get_id())
    p.new_folder("/a/b", parents=True)
    assert p.list_folder("/a")["folders"] == ["/a/b"]
    p.update(name="bindings2", summary="s")
    d = p.describe(input_params={"fields": {"name": True, "summary": True}})
    assert d["name"] == "bindings2" and d["summary"] == "s", d
    assert p.describe()["level"] == "ADMINISTER"


def record():
    r = dxpy.new_dxrecord(name="rec", details={"x": [1, 2]}, tags=["t"], properties={"k": "v"}, folder="/a")
    state["record"] = r.get_id()
    assert r.get_details() == {"x": [1, 2]}
    r.set_details({"y": 3})
    r.add_types(["T"])
    r.rename("rec2")
    r.close()
    d = r.describe(incl_properties=True, incl_details=True)
    assert d["name"] == "rec2" and d["state"] == "closed" and d["types"] == ["T"], d
    assert d["properties"] == {"k": "v"} and d["details"] == {"y": 3}, d
    try:
        r.set_details({"z": 1})
        raise AssertionError("setDetails on a closed record succeeded")
    except dxpy.exceptions.InvalidState:
        pass


def files():
    data = os.urandom(6 * 1024 * 1024 + 123)
    # write_buffer_size 5 MiB (the minimum part size) makes this a 2-part upload.
    f = dxpy.new_dxfile(name="blob.bin", folder="/a/b", write_buffer_size=5 * 1024 * 1024,
                        media_type="application/octet-stream")
    f.write(data)
    f.close(block=True)
    state["file"] = f.get_id()
    d = f.describe(fields={"parts", "size", "state"})
    assert d["state"] == "closed" and d["size"] == len(data), d
    assert len(d["parts"]) == 2, d["parts"]
    assert d["parts"]["1"]["size"] == 5 * 1024 * 1024
    assert d["parts"]["2"]["md5"] == hashlib.md5(data[5 * 1024 * 1024:]).hexdigest()
    back = dxpy.DXFile(f.get_id(), mode="rb").read()
    assert back == data, "downloaded bytes differ"
    path = os.path.join(work, "dl.bin")
    dxpy.download_dxfile(f.get_id(), path)
    assert open(path, "rb").read() == data
    small = dxpy.upload_string("tiny text", name="tiny.txt", wait_on_close=True)
    assert dxpy.open_dxfile(small.get_id()).read() == "tiny text"
    u1 = dxpy.DXFile(f.get_id()).get_download_url(preauthenticated=True)[0]
    # The mock's URL differs by its expiry (milliseconds): two calls within one millisecond get the
    # same URL, so the second waits for the clock to move.
    time.sleep(0.005)
    u2 = dxpy.DXFile(f.get_id()).get_download_url(preauthenticated=True)[0]
    assert u1 != u2 and f.get_id() in u1 and state["project"] not in u1


def search():
    results = list(dxpy.find_data_objects(name="rec2", project=state["project"]))
    assert [r["id"] for r in results] == [state["record"]], results
    globbed = list(dxpy.find_data_objects(name="*.bin", name_mode="glob", describe=True))
    assert len(globbed) == 1 and globbed[0]["describe"]["name"] == "blob.bin", globbed
    assert [r["id"] for r in dxpy.find_data_objects(properties={"k": "v"})] == [state["record"]]
    assert [r["id"] for r in dxpy.find_data_objects(tags=["t"])] == [state["record"]]
    assert [r["id"] for r in dxpy.find_data_objects(classname="file", folder="/a", project=state["project"],
                                                      recurse=True)] == [state["file"]]
    assert list(dxpy.find_data_objects(classname="file", folder="/a", project=state["project"],
                                       recurse=False)) == []
    for i in range(150):
        dxpy.api.record_new({"project": state["project"], "name": "many", "close": True})
    many = list(dxpy.find_data_objects(name="many", limit=None))
    assert len(many) == 150 and len({m["id"] for m in many}) == 150
    projects = list(dxpy.find_projects(name="bindings2", level="ADMINISTER"))
    assert [p["id"] for p in projects] == [state["project"]], projects


def nonce_and_errors():
    inp = {"project": state["project"], "name": "n", "nonce": "fixed-nonce"}
    a = dxpy.api.record_new(inp)
    b = dxpy.api.record_new(inp)
    assert a == b
    try:
        dxpy.api.record_new({"project": state["project"], "name": "other", "nonce": "fixed-nonce"})
        raise AssertionError("nonce reuse accepted")
    except dxpy.exceptions.InvalidInput as e:
        assert "Nonce was reused" in str(e)
    try:
        dxpy.DXRecord("record-000000000000000000000000").describe()
        raise AssertionError("missing record described")
    except dxpy.exceptions.ResourceNotFound:
        pass
    bob = dxpy.DXHTTPOAuth2({"auth_token": "tok-bob", "auth_token_type": "Bearer"})
    try:
        dxpy.api.project_describe(state["project"], {}, auth=bob)
        raise AssertionError("bob described alice's project")
    except dxpy.exceptions.PermissionDenied:
        pass


def clone_and_remove():
    other = dxpy.DXProject(dxpy.api.project_new({"name": "other"})["id"])
    dxpy.DXProject(state["project"]).clone(other.get_id(), objects=[state["record"]])
    assert dxpy.DXRecord(state["record"], project=other.get_id()).describe()["project"] == other.get_id()
    dxpy.DXProject(state["project"]).remove_folder("/a", recurse=True)
    assert dxpy.DXRecord(state["record"]).describe()["project"] == other.get_id()
    other.destroy()


try:
    for name, fn in [("project", project), ("record", record), ("files", files), ("search", search),
                     ("nonce and errors", nonce_and_errors), ("clone and remove", clone_and_remove)]:
        check(name, fn)
finally:
    stop()
CHECKS.finish()
