#!/usr/bin/env python3
"""Drive dxpy's own DXHTTPRequest (dxpy==0.417.1) against dx-mock-server's fault injection.

For each case it installs fault rules through the admin API, calls dxpy.DXHTTPRequest with
time.sleep patched (no real sleeping; the delays asked for are recorded), then checks the attempts the
server's journal saw, the delays and the outcome against dxpy's retry rules (dxpy-behaviour.md 2.4).

Environment:
  DX_MOCK_SERVER  the server binary (default .build/debug/dx-mock-server)
Run it with the venv interpreter that has dxpy installed. Exits non-zero on any failure; the last
line is "N passed, N failed".
"""

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

TOKEN = "interop-retry-token-4f1b2c"
START_TIMEOUT = 60.0

# dxpy must not read a user's configuration: point it at an empty directory and drop DX_* variables
# before importing it.
_CONF_DIR = tempfile.mkdtemp(prefix="dxpy-retry-interop-")
for _name in list(os.environ):
    if _name.startswith("DX_") and _name != "DX_MOCK_SERVER":
        del os.environ[_name]
os.environ["DX_USER_CONF_DIR"] = _CONF_DIR

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from mock_server import MockServer  # noqa: E402

import dxpy  # noqa: E402
import dxpy.api  # noqa: E402
from dxpy import exceptions as dxexc  # noqa: E402
import urllib3  # noqa: E402


# ---------------------------------------------------------------------------------------------
# Server and admin API


class Server(MockServer):
    def __init__(self, extra_args=()):
        super().__init__(["--token", TOKEN, "--seed", "7"] + list(extra_args))

    def start(self):
        super().start(timeout=START_TIMEOUT)

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def add_fault(self, rule):
        status, body = self.admin("POST", "/__admin/faults", rule)
        if status not in (200, 201):
            raise AssertionError("adding fault %r failed: %s %s" % (rule, status, body))
        return body

    def clean(self):
        self.admin("DELETE", "/__admin/faults")
        self.admin("DELETE", "/__admin/requests")

    def journal(self, path):
        status, body = self.admin("GET", "/__admin/requests")
        if status != 200:
            raise AssertionError("GET /__admin/requests failed: %s %s" % (status, body))
        return [entry for entry in body["requests"] if entry["path"] == path]


# ---------------------------------------------------------------------------------------------
# Calling dxpy with time.sleep patched


class Outcome:
    def __init__(self):
        self.result = None
        self.error = None
        self.sleeps = []


def call_dxpy(resource="/system/whoami", data=None, **kwargs):
    """Calls dxpy.DXHTTPRequest with time.sleep replaced by a recorder."""
    outcome = Outcome()
    real_sleep = dxpy.time.sleep

    def fake_sleep(seconds):
        outcome.sleeps.append(seconds)
        if len(outcome.sleeps) > 50:
            raise RuntimeError("dxpy kept retrying (more than 50 sleeps)")

    dxpy.time.sleep = fake_sleep
    try:
        outcome.result = dxpy.DXHTTPRequest(resource, {} if data is None else data, **kwargs)
    except Exception as error:  # the case checks which error it was
        outcome.error = error
    finally:
        dxpy.time.sleep = real_sleep
    return outcome


# ---------------------------------------------------------------------------------------------
# Checks


class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def describe(outcome):
    if outcome.error is not None:
        return "error %s: %s" % (type(outcome.error).__name__, str(outcome.error).splitlines()[0][:200])
    return "result %r" % (outcome.result,)


def expect_success(outcome):
    check(outcome.error is None, "expected success, got %s" % describe(outcome))
    check(isinstance(outcome.result, dict) and outcome.result.get("id", "").startswith("user-"),
          "expected a whoami result, got %s" % describe(outcome))


def expect_error(outcome, cls):
    check(isinstance(outcome.error, cls), "expected %s, got %s" % (cls.__name__, describe(outcome)))


def expect_attempts(server, path, count):
    entries = server.journal(path)
    check(len(entries) == count, "expected %d attempts in the journal, saw %d: %s" % (
        count, len(entries), [(e.get("status"), e.get("fault"), e.get("outcome")) for e in entries]))
    return entries


def expect_sleeps(outcome, expected):
    """expected: a list of ints (exact) or (low, high) inclusive ranges."""
    check(len(outcome.sleeps) == len(expected), "expected %d retry delays, got %r" % (len(expected), outcome.sleeps))
    for index, (actual, wanted) in enumerate(zip(outcome.sleeps, expected)):
        if isinstance(wanted, tuple):
            check(wanted[0] <= actual <= wanted[1], "delay %d was %r, expected within %r" % (index + 1, actual, wanted))
        else:
            check(actual == wanted, "delay %d was %r, expected %r" % (index + 1, actual, wanted))


def retry_after_delay(seconds, attempts):
    """dxpy's _calculate_retry_delay for a 503/429 with an integral Retry-After."""
    if seconds >= 60:
        return seconds
    return seconds + int(0.25 * min(attempts - 1, 20) * seconds)


WHOAMI = "/system/whoami"


def rule(fault, path=WHOAMI, method="POST", **schedule):
    body = {"match": {"method": method, "path": path}, "fault": fault}
    body.update(schedule)
    return body


# ---------------------------------------------------------------------------------------------
# Cases (each gets a clean fault list and journal)


def case_500_twice_then_success(server):
    server.add_fault(rule({"type": "status", "status": 500}, times=2))
    outcome = call_dxpy(WHOAMI)
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 3)
    check([e["status"] for e in entries] == [500, 500, 200], "statuses %r" % [e["status"] for e in entries])
    check(entries[0]["fault"] and entries[2]["fault"] is None, "journal fault fields %r" % [e["fault"] for e in entries])
    expect_sleeps(outcome, [1, (1, 2)])


def case_422_not_retried(server):
    server.add_fault(rule({"type": "status", "status": 422}, times=5))
    outcome = call_dxpy(WHOAMI, always_retry=True)
    expect_error(outcome, dxexc.InvalidInput)
    check(outcome.error.code == 422, "code %r" % outcome.error.code)
    expect_attempts(server, WHOAMI, 1)
    expect_sleeps(outcome, [])


def case_503_retry_after_not_counted(server):
    server.add_fault(rule({"type": "status", "status": 503, "retryAfter": 2}, times=5))
    outcome = call_dxpy(WHOAMI, max_retries=1)
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 6)  # more than max_retries + 1 = 2
    check([e["status"] for e in entries] == [503] * 5 + [200], "statuses %r" % [e["status"] for e in entries])
    expect_sleeps(outcome, [retry_after_delay(2, n) for n in range(1, 6)])


def case_429_retry_after_one(server):
    server.add_fault(rule({"type": "status", "status": 429, "retryAfter": 1}, times=3))
    outcome = call_dxpy(WHOAMI, max_retries=1)
    expect_success(outcome)
    expect_attempts(server, WHOAMI, 4)
    expect_sleeps(outcome, [1, 1, 1])


def case_503_without_retry_after_backoff(server):
    server.add_fault(rule({"type": "status", "status": 503}, times=4))
    outcome = call_dxpy(WHOAMI, max_retries=1)
    expect_success(outcome)
    expect_attempts(server, WHOAMI, 5)
    expect_sleeps(outcome, [1, (1, 2), (2, 4), (4, 8)])


def case_503_with_max_retries_zero(server):
    server.add_fault(rule({"type": "status", "status": 503, "retryAfter": 1}, times=3))
    outcome = call_dxpy(WHOAMI, max_retries=0)
    expect_error(outcome, dxexc.ServiceUnavailable)
    expect_attempts(server, WHOAMI, 1)


def case_truncated_body_retried_on_post(server):
    server.add_fault(rule({"type": "truncate", "sendBytes": 5}, times=1))
    outcome = call_dxpy(WHOAMI)
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 2)
    first = entries[0]
    check(first["sentBytes"] == 5 and (first["declaredBytes"] or 0) > 5,
          "journal bytes declared %r sent %r" % (first["declaredBytes"], first["sentBytes"]))
    expect_sleeps(outcome, [1])


def case_truncate_exhausted_is_incomplete_reads(server):
    server.add_fault(rule({"type": "truncate", "sendBytes": 3}))
    outcome = call_dxpy(WHOAMI, max_retries=1)
    expect_error(outcome, dxexc.DXIncompleteReadsError)
    expect_attempts(server, WHOAMI, 2)


def case_no_content_length_post_not_retried(server):
    server.add_fault(rule({"type": "noContentLength"}, times=1))
    outcome = call_dxpy(WHOAMI)
    expect_error(outcome, dxexc.BadJSONInReply)
    entries = expect_attempts(server, WHOAMI, 1)
    check(entries[0]["declaredBytes"] is None, "declaredBytes %r" % entries[0]["declaredBytes"])
    expect_sleeps(outcome, [])


def case_no_content_length_always_retry(server):
    server.add_fault(rule({"type": "noContentLength"}, times=1))
    outcome = call_dxpy(WHOAMI, always_retry=True)
    expect_success(outcome)
    expect_attempts(server, WHOAMI, 2)
    expect_sleeps(outcome, [1])


def case_reset_retried_on_post(server):
    server.add_fault(rule({"type": "reset"}, times=1))
    outcome = call_dxpy(WHOAMI)
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 2)
    check(entries[0]["status"] is None, "a reset must send no status, journal says %r" % entries[0]["status"])
    expect_sleeps(outcome, [1])


def case_empty_retried_on_post(server):
    server.add_fault(rule({"type": "empty"}, times=2))
    outcome = call_dxpy(WHOAMI)
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 3)
    check(entries[0]["status"] is None and entries[1]["status"] is None, "statuses %r" % [e["status"] for e in entries])
    expect_sleeps(outcome, [1, (1, 2)])


def case_delay_shorter_than_timeout(server):
    server.add_fault(rule({"type": "delay", "ms": 300}, times=1))
    started = time.monotonic()
    outcome = call_dxpy(WHOAMI, timeout=10)
    elapsed = time.monotonic() - started
    expect_success(outcome)
    entries = expect_attempts(server, WHOAMI, 1)
    check(elapsed >= 0.28, "the delay was not applied (%.3fs)" % elapsed)
    check(entries[0]["delayMs"] == 300, "journal delayMs %r" % entries[0]["delayMs"])
    expect_sleeps(outcome, [])


def case_delay_longer_than_timeout_post(server):
    server.add_fault(rule({"type": "delay", "ms": 1500}, times=1))
    outcome = call_dxpy(WHOAMI, timeout=0.4)
    expect_error(outcome, urllib3.exceptions.ReadTimeoutError)
    expect_attempts(server, WHOAMI, 1)
    expect_sleeps(outcome, [])


def case_delay_longer_than_timeout_always_retry(server):
    server.add_fault(rule({"type": "delay", "ms": 1500}, times=1))
    outcome = call_dxpy(WHOAMI, timeout=0.4, always_retry=True)
    expect_success(outcome)
    expect_attempts(server, WHOAMI, 2)
    expect_sleeps(outcome, [1])


def case_400_on_post_not_retried(server):
    server.add_fault(rule({"type": "status", "status": 400}, times=3))
    outcome = call_dxpy(WHOAMI, always_retry=True)
    expect_error(outcome, dxexc.MalformedJSON)
    expect_attempts(server, WHOAMI, 1)
    expect_sleeps(outcome, [])


def case_400_on_put_with_platform_body_not_retried(server):
    # dxpy retries a PUT's 400 only when it is a urllib3 HTTPError (a non-JSON body such as S3's XML
    # RequestTimeout); the platform's JSON error body raises MalformedJSON, which is not retried.
    server.add_fault(rule({"type": "status", "status": 400}, method="PUT", times=3))
    outcome = call_dxpy(WHOAMI, method="PUT", always_retry=True, max_retries=2)
    expect_error(outcome, dxexc.MalformedJSON)
    expect_attempts(server, WHOAMI, 1)
    expect_sleeps(outcome, [])


def case_bad_json_retried_for_get(server):
    # BadJSONInReply is retried for GET without always_retry. The retry reaches the platform, which
    # only takes POST, so the call then ends with the platform's (unretried) 4xx.
    server.add_fault(rule({"type": "noContentLength"}, method="GET", times=1))
    outcome = call_dxpy(WHOAMI, method="GET")
    entries = expect_attempts(server, WHOAMI, 2)
    check(entries[0]["fault"] == "noContentLength", "journal fault %r" % entries[0]["fault"])
    check(outcome.error is not None and getattr(outcome.error, "code", 0) // 100 == 4,
          "expected the platform's 4xx for GET, got %s" % describe(outcome))
    expect_sleeps(outcome, [1])


def case_retry_after_http_date_falls_back(server):
    # A Retry-After that is not an integer (an HTTP date) falls through to the normal backoff.
    server.add_fault(rule({"type": "status", "status": 503, "retryAfter": "Wed, 21 Oct 2015 07:28:00 GMT"}, times=3))
    outcome = call_dxpy(WHOAMI, max_retries=1)
    expect_success(outcome)
    expect_attempts(server, WHOAMI, 4)
    expect_sleeps(outcome, [1, (1, 2), (2, 4)])


def case_startup_rules_and_reset(server):
    # Rules from --fault and --faults apply from the first request and come back after /__admin/reset.
    faults_file = os.path.join(server.tmp, "faults.json")
    with open(faults_file, "w") as f:
        json.dump({"faults": [{"match": {"path": "/system/*"}, "fault": {"type": "empty"}, "times": 1}]}, f)
    other = Server(extra_args=["--fault", "POST /system/whoami status=500 times=1 skip=1", "--faults", faults_file])
    try:
        other.start()
        dxpy.set_api_server_info(host="127.0.0.1", port=other.port, protocol="http")
        for round_number in range(2):
            first = call_dxpy(WHOAMI)
            expect_success(first)
            # Request 1: the file's empty fault (the --fault rule skips it); request 2: the 500.
            check(len(first.sleeps) == 2, "round %d: expected 2 retries, got %r" % (round_number, first.sleeps))
            statuses = [e["status"] for e in other.journal(WHOAMI)]
            check(statuses == [None, 500, 200], "round %d: statuses %r" % (round_number, statuses))
            status, body = other.admin("POST", "/__admin/reset")
            check(status == 200, "reset answered %s %s" % (status, body))
            check(other.journal(WHOAMI) == [], "the journal survived the reset")
    finally:
        dxpy.set_api_server_info(host="127.0.0.1", port=server.port, protocol="http")
        other.stop()


def case_max_retries_exhausted(server):
    server.add_fault(rule({"type": "status", "status": 500}))
    outcome = call_dxpy(WHOAMI, max_retries=2)
    expect_error(outcome, dxexc.InternalError)
    expect_attempts(server, WHOAMI, 3)
    expect_sleeps(outcome, [1, (1, 2)])


def case_custom_error_type(server):
    server.add_fault(rule({"type": "status", "status": 502, "errorType": "SomethingNew", "message": "bad gateway"},
                          times=1))
    outcome = call_dxpy(WHOAMI, max_retries=0)
    expect_error(outcome, dxexc.DXAPIError)
    check(outcome.error.name == "SomethingNew" and outcome.error.msg == "bad gateway" and outcome.error.code == 502,
          "error %r %r %r" % (outcome.error.name, outcome.error.msg, outcome.error.code))


def case_skip_schedule(server):
    server.add_fault(rule({"type": "status", "status": 500}, skip=1, times=1))
    first = call_dxpy(WHOAMI)
    expect_success(first)
    expect_sleeps(first, [])
    second = call_dxpy(WHOAMI)
    expect_success(second)
    expect_sleeps(second, [1])
    expect_attempts(server, WHOAMI, 3)


def case_every_schedule(server):
    server.add_fault(rule({"type": "status", "status": 503, "retryAfter": 1}, every=2))
    outcomes = [call_dxpy(WHOAMI) for _ in range(3)]
    for outcome in outcomes:
        expect_success(outcome)
    # Requests 2 and 4 of 5 get the 503: calls 1, 2 and 3 take 1, 2 and 2 attempts.
    check([len(o.sleeps) for o in outcomes] == [0, 1, 1], "sleeps %r" % [o.sleeps for o in outcomes])
    expect_attempts(server, WHOAMI, 5)


def case_probability_is_seeded(server):
    # With a seed, a probabilistic rule is deterministic: two identical runs give identical attempts.
    patterns = []
    for _ in range(2):
        server.admin("POST", "/__admin/reset")
        server.add_fault(rule({"type": "status", "status": 500}, probability=0.5))
        statuses = []
        for _ in range(4):
            call_dxpy(WHOAMI, max_retries=3)
        statuses = [e["status"] for e in server.journal(WHOAMI)]
        patterns.append(statuses)
        server.clean()
    check(patterns[0] == patterns[1], "seeded runs differ: %r" % patterns)
    check(500 in patterns[0] and 200 in patterns[0], "expected a mix of 500 and 200, got %r" % patterns[0])


def case_same_nonce_on_every_attempt(server):
    path = "/record/new"
    server.add_fault(rule({"type": "status", "status": 500}, path=path, times=1))
    outcome = Outcome()
    real_sleep = dxpy.time.sleep
    dxpy.time.sleep = lambda seconds: outcome.sleeps.append(seconds)
    try:
        dxpy.api.record_new({"project": "project-000000000000000000000000"})
    except Exception:  # the platform's answer to the retried call does not matter here
        pass
    finally:
        dxpy.time.sleep = real_sleep
    entries = server.journal(path)
    check(len(entries) >= 2, "expected the 500 to be retried, saw %d attempts" % len(entries))
    nonces = [json.loads(e["body"]).get("nonce") for e in entries]
    check(nonces[0] and len(set(nonces)) == 1, "nonces differ between attempts: %r" % nonces)


CASES = [
    case_500_twice_then_success,
    case_422_not_retried,
    case_503_retry_after_not_counted,
    case_429_retry_after_one,
    case_503_without_retry_after_backoff,
    case_503_with_max_retries_zero,
    case_truncated_body_retried_on_post,
    case_truncate_exhausted_is_incomplete_reads,
    case_no_content_length_post_not_retried,
    case_no_content_length_always_retry,
    case_reset_retried_on_post,
    case_empty_retried_on_post,
    case_delay_shorter_than_timeout,
    case_delay_longer_than_timeout_post,
    case_delay_longer_than_timeout_always_retry,
    case_400_on_post_not_retried,
    case_400_on_put_with_platform_body_not_retried,
    case_bad_json_retried_for_get,
    case_retry_after_http_date_falls_back,
    case_max_retries_exhausted,
    case_custom_error_type,
    case_skip_schedule,
    case_every_schedule,
    case_probability_is_seeded,
    case_same_nonce_on_every_attempt,
    case_startup_rules_and_reset,
]


def main():
    server = Server()
    passed = failed = 0
    try:
        try:
            server.start()
        except Exception as error:
            print("FAIL server start: %s" % error)
            print("0 passed, 1 failed")
            return 1
        dxpy.set_api_server_info(host="127.0.0.1", port=server.port, protocol="http")
        dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": TOKEN})
        selected = sys.argv[1:]
        for case in CASES:
            name = case.__name__[len("case_"):]
            if selected and not any(s in name for s in selected):
                continue
            try:
                server.clean()
                case(server)
            except CaseFailure as failure:
                failed += 1
                print("FAIL %s: %s" % (name, failure))
            except Exception:
                failed += 1
                print("FAIL %s: unexpected error\n%s" % (name, traceback.format_exc()))
            else:
                passed += 1
                print("ok   %s" % name)
        if not server.running():
            failed += 1
            print("FAIL the server exited during the run:\n%s" % server.log())
    finally:
        server.stop()
        shutil.rmtree(_CONF_DIR, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
