#!/usr/bin/env bash
# Applets and apps with the real `dx` client (PyPI dxpy) against dx-mock-server: `dx build` of an
# applet and of an app, `dx ls`, `dx describe <project>:<path>`, `dx describe <name>` (which asks
# findApps and findGlobalWorkflows), `dx run -h`, `dx find apps`, publishing, authorized users,
# installs, and dxpy's bindings (DXApplet, find_apps, describe of a list).
#
# Env and helpers: Tests/Interop/lib/dx_session.bash (its own server on port 0, cleaned up on exit,
# every wait bounded). Prints "N passed, N failed".
set -u
source "$(dirname "$0")/lib/dx_session.bash"
start_mock_server 5

# An applet source directory, as `dx-app-wizard` would make it.
mkdir -p "$WORK/hello/src"
cat >"$WORK/hello/dxapp.json" <<'EOF'
{
  "name": "hello", "title": "Hello", "summary": "Says hello", "dxapi": "1.0.0", "version": "0.0.1",
  "categories": ["Greetings"],
  "inputSpec": [{"name": "who", "class": "string"}],
  "outputSpec": [{"name": "greeting", "class": "string"}],
  "runSpec": {"interpreter": "bash", "file": "src/hello.sh", "distribution": "Ubuntu", "release": "20.04",
              "version": "0"}
}
EOF
printf 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n' >"$WORK/hello/src/hello.sh"

# 1. A project, an applet built into /tools
run "new project" "$DX" new project "Apps project" --brief && PROJECT=$LAST
run select "$DX" select "$PROJECT" && run mkdir "$DX" mkdir /tools
run "build applet" "$DX" build "$WORK/hello" --destination /tools/ && APPLET=$(id_of)
check "applet id" grep -Eq '^applet-[0-9A-Za-z]{24}$' <<<"${APPLET:-}"
refused "building again without -f is refused" "already exists" "$DX" build "$WORK/hello" --destination /tools/
# 2. dx ls shows it
run "ls" "$DX" ls /tools && check "ls shows the applet" contains "hello"
run "ls -l" "$DX" ls -l /tools && check "ls -l shows it closed with its ID" bash -c "grep -q closed <<<'$LAST' && grep -q '${APPLET:-none}' <<<'$LAST'"
run "find data --class applet" "$DX" find data --class applet --brief \
  && check "find data --class applet" equals "$PROJECT:${APPLET:-none}"
# 3. dx describe <project>:<path> and the applet's fields
run "describe project:path" "$DX" describe "$PROJECT:/tools/hello" && check "describe project:path" \
  bash -c "grep -q '${APPLET:-none}' <<<'$LAST' && grep -Eq 'Class +applet' <<<'$LAST' && grep -Eq 'Interpreter +bash' <<<'$LAST'"
run "describe path json" "$DX" describe /tools/hello --json && check "applet describe fields" json \
  'd["class"] == "applet" and d["state"] == "closed" and d["title"] == "Hello" and "code" not in d["runSpec"] and [p["name"] for p in d["inputSpec"]] == ["who"] and d["dxapi"] == "1.0.0"'
run "applet get" "$DX" api "${APPLET:-applet-none}" get && check "applet get has the code" json \
  '"dx-jobutil-add-output" in d["runSpec"]["code"]'
run "run -h" "$DX" run /tools/hello -h && check "dx run -h lists the inputs" bash -c "grep -q 'who' <<<'$LAST' && grep -q 'Inputs:' <<<'$LAST'"
run "dx get applet" "$DX" get /tools/hello -o "$WORK/got" && check "dx get round-trips the code and spec" \
  bash -c "cmp -s '$WORK/hello/src/hello.sh' '$WORK/got/src/code.sh' && grep -q '\"who\"' '$WORK/got/dxapp.json'"
run "run the applet" "$DX" run /tools/hello -iwho=x -y --brief && check "dx run gives a job" grep -Eq '^job-[0-9A-Za-z]{24}$' <<<"$LAST"
# 4. Data-object methods on the applet
run "tag applet" "$DX" tag "${APPLET:-applet-none}" t1 && run "set_properties applet" "$DX" set_properties "${APPLET:-applet-none}" k=v \
  && run "describe applet" "$DX" describe "${APPLET:-applet-none}" --json && check "applet tags and properties" json \
  '"t1" in d["tags"] and d["properties"] == {"k": "v"}'
refused "applets have no setVisibility route" "ResourceNotFound" "$DX" api "${APPLET:-applet-none}" setVisibility '{"hidden": true}'
run "new project 2" "$DX" new project "Other" --brief && OTHER=$LAST
run "cp applet" "$DX" cp /tools/hello "$OTHER:/" && run "describe copy" "$DX" describe "$OTHER:/hello" --json \
  && check "dx cp keeps the applet's ID" json "d['id'] == '${APPLET:-none}' and d['project'] == '${OTHER:-none}'"
run "rm copy" "$DX" rm "$OTHER:/hello" && run "ls other" "$DX" ls "$OTHER:/" && check "dx rm removes the copy only" equals ""
# 5. dx describe <name>: a record in the current folder (dx also asks findApps and findGlobalWorkflows)
run "new record" "$DX" new record /byname --brief && RECORD=$LAST
run "describe by name" "$DX" describe byname --json && check "describe <name> finds the record" json \
  "d['id'] == '${RECORD:-none}'"
refused "describe of an unknown name" "No matches found" "$DX" describe nothing-here
# 6. dx find apps: nothing yet
run "find apps (empty)" "$DX" find apps && check "no apps at first" equals ""
# 7. dx build --app, publish
run "build app" "$DX" build --app "$WORK/hello" --yes && APP=$(id_of)
check "app id" grep -Eq '^app-[0-9A-Za-z]{24}$' <<<"${APP:-}"
run "find apps (unpublished)" "$DX" find apps --unpublished --brief && check "the new app is unpublished" equals "${APP:-none}"
run "find apps (published)" "$DX" find apps --brief && check "not published yet" equals ""
run "rebuild app" "$DX" build --app "$WORK/hello" --yes && check "rebuilding updates the unpublished version" \
  json "d['id'] == '${APP:-none}'"
run publish "$DX" publish hello/0.0.1 && run "find apps" "$DX" find apps && check "dx find apps lists it" \
  bash -c "grep -q 'Hello (hello), v0.0.1' <<<'$LAST'"
run "find apps --category" "$DX" find apps --category Greetings --brief && check "find apps --category" equals "${APP:-none}"
run "find apps --name glob" "$DX" find apps --name 'hel*' --brief && check "find apps --name glob" equals "${APP:-none}"
run "describe app by name" "$DX" describe hello --json && check "dx describe <name> finds the app" json \
  "d['id'] == '${APP:-none}' and d['class'] == 'app' and d['version'] == '0.0.1' and 'default' in d['aliases'] and d['published'] > 0"
run "describe app alias" "$DX" describe app-hello/0.0.1 --json && check "dx describe app-NAME/VERSION" json \
  "d['id'] == '${APP:-none}'"
run "run app -h" "$DX" run hello -h && check "dx run APP -h" bash -c "grep -q 'App: Hello' <<<'$LAST'"
refused "publishing twice is refused" "InvalidState" "$DX" api app-hello publish '{}'
# 8. Another user: unseen until authorized, never a developer
run "bob find apps" "${BOB[@]}" "$DX" find apps --brief && check "bob sees no unauthorized app" equals ""
refused "bob cannot describe it" "ResourceNotFound" "${BOB[@]}" "$DX" api app-hello describe
run "add users" "$DX" add users app-hello user-bob
run "bob find apps after" "${BOB[@]}" "$DX" find apps --brief && check "bob sees it once authorized" equals "${APP:-none}"
refused "bob cannot tag it" "PermissionDenied" "${BOB[@]}" "$DX" api app-hello addTags '{"tags": ["mine"]}'
run "bob install" "${BOB[@]}" "$DX" install hello && run "bob installed" "${BOB[@]}" "$DX" find apps --installed --brief \
  && check "bob installed it" equals "${APP:-none}"
run "alice installed" "$DX" find apps --installed --brief && check "installs are per user" equals ""
# 9. dxpy bindings
run "dxpy bindings" "$PY" - "${APPLET:-applet-none}" "${RECORD:-record-none}" "$PROJECT" <<'EOF'
import sys, json, dxpy
applet, record, project = sys.argv[1:4]
desc = dxpy.DXApplet(applet).describe()
assert desc["class"] == "applet" and desc["name"] == "hello", desc
assert "code" in dxpy.DXApplet(applet).get()["runSpec"]
app = dxpy.find_one_app(name="hello", describe=True)
assert app["describe"]["version"] == "0.0.1", app
assert dxpy.DXApp(name="hello").describe()["id"] == app["id"]
many = dxpy.describe([applet, record, "record-000000000000000000000000"])
assert [d["id"] if d else None for d in many] == [applet, record, None], many
new = dxpy.api.applet_new({"project": project, "name": "bound", "dxapi": "1.0.0",
                           "runSpec": {"interpreter": "python3", "code": "print(1)"}})
assert dxpy.DXApplet(new["id"]).describe()["runSpec"]["interpreter"] == "python3"
print("ok")
EOF
check "dxpy DXApplet, find_one_app, DXApp, describe([...])" equals ok

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
