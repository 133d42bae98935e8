#!/usr/bin/env bash
# Executions with the real `dx` client (PyPI dxpy) against dx-mock-server: `dx build`, `dx run … -y
# --wait`, `--depends-on`, `--extra-args`, `--instance-type`, `--tag`/`--property`, `--clone`, a workflow
# run and `dx wait`, `dx describe job-…`, `dx find jobs/executions/analyses` with filters,
# `dx terminate`, `dx watch`, scripted failures (from --executions FILE and from the admin API), and
# dxpy's bindings (DXApplet.run, DXJob.wait_on_done, DXJobFailureError, DXAnalysis.wait_on_done,
# get_output_ref, find_jobs, find_executions).
#
# Env and helpers: Tests/Interop/lib/dx_session.bash (its own server on port 0, cleaned up on exit,
# every wait bounded). Prints "N passed, N failed".
set -u
source "$(dirname "$0")/lib/dx_session.bash"

# Scripted outcomes: "sleeper" runs until terminated, "talker" logs, "breaker" fails.
cat >"$WORK/rules.json" <<'JSON'
{"rules": [
  {"id": "sleeper", "match": {"name": "sleeper"}, "outcome": "running"},
  {"id": "talker", "match": {"name": "talker"}, "durationMs": 1500,
   "log": ["hello from the job", {"level": "STDERR", "msg": "a warning line"}]},
  {"id": "breaker", "match": {"name": "breaker"}, "outcome": "failed", "failureReason": "AppError",
   "failureMessage": "scripted boom", "durationMs": 200}
]}
JSON
start_mock_server 11 --job-duration 300 --executions "$WORK/rules.json"
ADMIN="http://127.0.0.1:$PORT/__admin"

# An applet source directory for each name.
make_applet() {
  local name=$1 spec=$2
  mkdir -p "$WORK/$name/src"
  cat >"$WORK/$name/dxapp.json" <<JSON
{"name": "$name", "title": "$name", "summary": "a tool", "dxapi": "1.0.0", "version": "0.0.1", $spec
 "runSpec": {"interpreter": "bash", "file": "src/code.sh", "distribution": "Ubuntu", "release": "20.04", "version": "0"}}
JSON
  printf 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n' >"$WORK/$name/src/code.sh"
}
IO='"inputSpec": [{"name": "who", "class": "string"}], "outputSpec": [{"name": "greeting", "class": "string"}, {"name": "report", "class": "file"}],'
make_applet hello "$IO"
make_applet sleeper ""
make_applet talker ""
make_applet breaker ""

run "new project" "$DX" new project "Runs" --brief && PROJECT=$LAST
run select "$DX" select "$PROJECT"
for name in hello sleeper talker breaker; do
  run "build $name" "$DX" build "$WORK/$name" --destination / && eval "APPLET_$name=\$(id_of)"
done
# 1. dx run -i… -y --wait, then the job and its outputs
run "run --wait" "$DX" run hello -iwho=world -y --wait --brief && JOB1=$(tail -n 1 <<<"$LAST")
check "job id" grep -Eq '^job-[0-9A-Za-z]{24}$' <<<"${JOB1:-}"
run "describe json" "$DX" describe "${JOB1:-job-none}" --json && check "done with outputs from the outputSpec" json \
  "d['state'] == 'done' and d['output']['greeting'].startswith('greeting-') and d['runInput'] == {'who': 'world'} and d['launchedBy'] == 'user-alice' and d['executableName'] == 'hello' and d['function'] == 'main'"
REPORT=$("$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["output"]["report"]["$dnanexus_link"])' <<<"$LAST")
run "cat output file" "$DX" cat "$REPORT" && check "the output file's bytes derive from the job ID" contains "${JOB1:-none}"
run "describe human" "$DX" describe "${JOB1:-job-none}" && check "dx describe job shows the job" \
  bash -c "grep -Eq 'State +done' <<<'$LAST' && grep -Eq 'Executable name +hello' <<<'$LAST' && grep -q 'greeting' <<<'$LAST'"
# 2. --depends-on, --extra-args, --instance-type, --tag/--property, --name, --folder
run "run --depends-on" "$DX" run hello -iwho=b -y --brief --depends-on "${JOB1:-job-none}" && JOB2=$LAST
run "describe dependant" "$DX" describe "${JOB2:-job-none}" --json && check "dependsOn recorded" json "d['dependsOn'] == ['${JOB1:-none}']"
run "run extra args" "$DX" run hello -iwho=c -y --brief --name extra --tag t1 --tag t2 --property k=v \
  --instance-type mem1_ssd1_v2_x4 --destination "$PROJECT:/outputs" \
  --extra-args '{"priority": "high", "delayWorkspaceDestruction": true, "costLimit": 5, "executionPolicy": {"restartOn": {"*": 1}}}' \
  && JOB3=$LAST
run "describe extra" "$DX" describe "${JOB3:-job-none}" --json && check "extra args, instance type, tags, properties, folder" json \
  "d['name'] == 'extra' and d['tags'] == ['t1', 't2'] and d['properties'] == {'k': 'v'} and d['priority'] == 'high' and d['delayWorkspaceDestruction'] is True and d['costLimit'] == 5 and d['instanceType'] == 'mem1_ssd1_v2_x4' and d['folder'] == '/outputs' and d['executionPolicy'] == {'restartOn': {'*': 1}}"
refused "the server refuses a missing required input" "InvalidInput.*who" "$DX" api "${APPLET_hello:-applet-none}" run \
  "{\"project\": \"$PROJECT\", \"input\": {}}"
refused "the server refuses an input of the wrong class" "InvalidInput.*class string" "$DX" api "${APPLET_hello:-applet-none}" run \
  "{\"project\": \"$PROJECT\", \"input\": {\"who\": 3}}"
refused "an unknown dependency" "ResourceNotFound|could not be found" "$DX" run hello -iwho=x -y --depends-on job-000000000000000000000000
# 3. --clone
run "clone" "$DX" run --clone "${JOB1:-job-none}" -y --brief --wait && CLONE=$(tail -n 1 <<<"$LAST")
run "describe clone" "$DX" describe "${CLONE:-job-none}" --json && check "a clone re-runs with the same input" json \
  "d['name'] == 'hello (re-run)' and d['details']['clonedFrom']['id'] == '${JOB1:-none}' and d['runInput'] == {'who': 'world'} and d['state'] == 'done'"
# 4. A workflow run and dx wait
run "workflow" "$DX" api workflow new "{\"project\": \"$PROJECT\", \"name\": \"pipe\", \"stages\": [
  {\"id\": \"a\", \"executable\": \"${APPLET_hello:-applet-none}\"},
  {\"id\": \"b\", \"executable\": \"${APPLET_hello:-applet-none}\", \"input\": {\"who\": {\"\$dnanexus_link\": {\"stage\": \"a\", \"outputField\": \"greeting\"}}}}]}" \
  && WORKFLOW=$(id_of)
run "run workflow" "$DX" run "${WORKFLOW:-workflow-none}" -ia.who=flow -y --brief && ANALYSIS=$LAST
check "analysis id" grep -Eq '^analysis-[0-9A-Za-z]{24}$' <<<"${ANALYSIS:-}"
run "dx wait analysis" "$DX" wait "${ANALYSIS:-analysis-none}"
run "describe analysis" "$DX" describe "${ANALYSIS:-analysis-none}" --json && check "the analysis ran its stages in order" json \
  "d['state'] == 'done' and [s['id'] for s in d['stages']] == ['a', 'b'] and d['stages'][1]['execution']['input']['who'] == d['stages'][0]['execution']['output']['greeting'] and 'b.greeting' in d['output']"
run "describe analysis human" "$DX" describe "${ANALYSIS:-analysis-none}" && check "dx describe analysis" bash -c "grep -Eq 'Stage 1' <<<'$LAST'"
# 5. dx find jobs / executions / analyses
run "find jobs" "$DX" find jobs --brief -n 100 && check "find jobs lists the jobs" \
  bash -c "grep -qx '${JOB1:-none}' <<<'$LAST' && grep -qx '${JOB3:-none}' <<<'$LAST'"
run "find jobs --tag" "$DX" find jobs --tag t1 --brief && check "find jobs --tag" equals "${JOB3:-none}"
run "find jobs --state" "$DX" find jobs --state done --name 'hel*' --brief -n 100 && check "find jobs --state --name" \
  bash -c "grep -qx '${JOB1:-none}' <<<'$LAST'"
run "find jobs --property" "$DX" find jobs --property k=v --brief && check "find jobs --property" equals "${JOB3:-none}"
run "find jobs --created-after" "$DX" find jobs --created-after=-1h --brief -n 100 && check "find jobs --created-after" \
  bash -c "grep -qx '${JOB1:-none}' <<<'$LAST'"
run "find analyses" "$DX" find analyses --brief && check "find analyses" equals "${ANALYSIS:-none}"
run "find executions" "$DX" find executions -n 100 && check "find executions shows the tree" \
  bash -c "grep -q '${ANALYSIS:-none}' <<<'$LAST' && grep -q 'pipe' <<<'$LAST' && grep -q 'extra' <<<'$LAST'"
run "find jobs as bob" "${BOB[@]}" "$DX" find jobs --brief --all-projects && check "bob sees no jobs" equals ""
# 6. dx terminate
run "run sleeper" "$DX" run sleeper -y --brief && SLEEPER=$LAST
# Code inside the running job: its token (from the admin API), DX_JOB_ID and DX_WORKSPACE_ID; dxpy's
# new_dxjob makes a sub-job and new objects go to the job's workspace container.
run "inside the job" "$PY" - "$ADMIN" "${SLEEPER:-job-none}" "$PROJECT" <<'PYEOF'
import json, os, subprocess, sys, urllib.request
admin, job, project = sys.argv[1:4]
info = json.loads(urllib.request.urlopen(admin + "/jobs/" + job).read())
env = dict(os.environ, DX_JOB_ID=job, DX_WORKSPACE_ID=info["workspace"], DX_PROJECT_CONTEXT_ID=project,
           DX_SECURITY_CONTEXT=json.dumps({"auth_token": info["token"], "auth_token_type": "Bearer"}))
code = ("import dxpy, json; j = dxpy.new_dxjob({'x': 1}, 'scatter'); r = dxpy.new_dxrecord(close=True); "
        "print(json.dumps({'sub': j.get_id(), 'parent': j.describe()['parentJob'], 'fn': j.describe()['function'], "
        "'recordProject': r.describe()['project']}))")
out = json.loads(subprocess.check_output([sys.executable, "-c", code], env=env))
assert out["parent"] == job and out["fn"] == "scatter" and out["recordProject"] == info["workspace"], out
print(out["sub"])
PYEOF
SUBJOB=$LAST
check "a sub-job from inside the job (job token, DX_JOB_ID, DX_WORKSPACE_ID)" grep -Eq '^job-[0-9A-Za-z]{24}$' <<<"${SUBJOB:-}"
run "job token" "$PY" -c "import json,urllib.request; print(json.loads(urllib.request.urlopen('$ADMIN/jobs/${SLEEPER:-job-none}').read())['token'])" \
  && JOBTOKEN=$LAST
run "the job token works while the job runs" env DX_SECURITY_CONTEXT="{\"auth_token\": \"${JOBTOKEN:-none}\", \"auth_token_type\": \"Bearer\"}" "$DX" whoami \
  && check "the job token authenticates as the launcher" equals "alice"
run "terminate" "$DX" terminate "${SLEEPER:-job-none}"
run "describe terminated" "$DX" describe "${SLEEPER:-job-none}" --json && check "dx terminate" json "d['state'] == 'terminated'"
run "describe terminated sub-job" "$DX" describe "${SUBJOB:-job-none}" --json && check "terminate cascades to the sub-job" json \
  "d['state'] == 'terminated' and d['parentJob'] == '${SLEEPER:-none}'"
refused "the job token dies with the job" "InvalidAuthentication" env DX_SECURITY_CONTEXT="{\"auth_token\": \"${JOBTOKEN:-none}\", \"auth_token_type\": \"Bearer\"}" "$DX" whoami
# 7. dx watch streams the log and exits when the job ends
run "run talker" "$DX" run talker -y --brief && TALKER=$LAST
run "watch" "$DX" watch "${TALKER:-job-none}" && check "dx watch prints the log lines" \
  bash -c "grep -q 'hello from the job' <<<'$LAST' && grep -q 'a warning line' <<<'$LAST' && grep -q 'STDERR' <<<'$LAST'"
run "watch done job" "$DX" watch "${TALKER:-job-none}" --get-stdout && check "dx watch --get-stdout of a done job" equals "hello from the job"
refused "watch as bob" "PermissionDenied" "${BOB[@]}" "$DX" watch "${TALKER:-job-none}"
# 8. Scripted failures: from the rules file, then one added through the admin API
refused "run --wait of a failing job" "scripted boom" "$DX" run breaker -y --wait
run "run breaker" "$DX" run breaker -y --brief && BREAKER=$LAST
refused "dx wait of a failed job" "scripted boom" "$DX" wait "${BREAKER:-job-none}"
run "admin rule" "$PY" -c "
import json, urllib.request
rule = {'id': 'late', 'match': {'name': 'hello', 'input': {'who': 'doomed'}}, 'outcome': 'failed', 'failureMessage': 'admin says no', 'times': 1}
req = urllib.request.Request('$ADMIN/executions', data=json.dumps(rule).encode(), method='POST')
print(json.loads(urllib.request.urlopen(req).read())['id'])"
refused "the admin rule applies once" "admin says no" "$DX" run hello -iwho=doomed -y --wait
run "the second run succeeds" "$DX" run hello -iwho=doomed -y --wait --brief
run "admin rules list" "$PY" -c "
import json, urllib.request
rules = json.loads(urllib.request.urlopen('$ADMIN/executions').read())['rules']
print(json.dumps({r['id']: [r['matched'], r['applied']] for r in rules}))"
check "rule counters" json "d['late'] == [2, 1] and d['breaker'][1] == 2"
# 9. dxpy bindings
run "dxpy bindings" "$PY" - "${APPLET_hello:-applet-none}" "${APPLET_breaker:-applet-none}" "${WORKFLOW:-workflow-none}" "$PROJECT" <<'PYEOF'
import sys, dxpy
from dxpy.exceptions import DXJobFailureError
hello, breaker, workflow, project = sys.argv[1:5]
job = dxpy.DXApplet(hello).run({"who": "py"}, project=project)
job.wait_on_done(interval=0.1)
out = job.describe()["output"]
assert out["greeting"].startswith("greeting-"), out
# A job-based reference as another job's input resolves to that job's output.
second = dxpy.DXApplet(hello).run({"who": job.get_output_ref("greeting")}, project=project)
second.wait_on_done(interval=0.1)
assert second.describe()["input"]["who"] == out["greeting"]
try:
    dxpy.DXApplet(breaker).run({}, project=project).wait_on_done(interval=0.1)
    raise AssertionError("expected DXJobFailureError")
except DXJobFailureError as error:
    assert "scripted boom" in str(error), str(error)
analysis = dxpy.DXWorkflow(workflow).run({"a.who": "bindings"}, project=project)
analysis.wait_on_done(interval=0.1)
assert analysis.describe()["state"] == "done"
found = [r["id"] for r in dxpy.find_jobs(project=project, state="done", describe=True)]
assert job.get_id() in found and second.get_id() in found, found
roots = [r["id"] for r in dxpy.find_executions(project=project, root_execution=analysis.get_id())]
assert analysis.get_id() in roots and len(roots) == 3, roots
assert [r["id"] for r in dxpy.find_analyses(project=project, limit=1)] == [analysis.get_id()]
print("ok")
PYEOF
check "DXApplet.run, wait_on_done, DXJobFailureError, get_output_ref, DXAnalysis, find_jobs/find_executions" equals ok

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
