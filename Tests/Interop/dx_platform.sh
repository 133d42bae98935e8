#!/usr/bin/env bash
# The rest of the platform with the real `dx` client (PyPI dxpy) against dx-mock-server started with
# --fixtures (carol and the org lab exist from the start) and an HTTPS auth server port: orgs (`dx new
# org`, `dx find org members|projects|apps`, `dx add member`), global workflows (`dx build
# --globalworkflow`, publish, find, describe, run), regions (`dx new project --region`, `dx find
# projects --region`, `dx find data --region`), `dx archive`/`dx unarchive`, `dx cp` of a folder that
# conflicts, `dx mv` of a folder, `dx ssh_config` key upload (no SSH connection), `dx login
# --token`/`dx logout` against the mock's auth routes, `dxpy.user_info()`, `dx setenv`, `dx
# generate_batch_inputs`, `dx describe` of a workflow with stages, and `dx invite` of a user that does
# not exist.
#
# Env and helpers: Tests/Interop/lib/dx_session.bash (its own server on port 0, cleaned up on exit,
# every wait bounded). Prints "N passed, N failed".
set -u
source "$(dirname "$0")/lib/dx_session.bash"
TLS="$(cd "$(dirname "$0")/../DXCoreTests/Fixtures/tls" && pwd)"
cat >"$WORK/fixtures.json" <<'EOF_FIXTURES'
{"users": [{"handle": "carol", "tokens": ["tok-carol"], "first": "Carol", "last": "Smith"}],
 "orgs": [{"handle": "lab", "name": "The Lab",
           "members": [{"user": "alice", "level": "ADMIN"},
                       {"user": "carol", "level": "MEMBER", "projectAccess": "VIEW"}]}],
 "projects": [{"name": "Lab data", "billTo": "org-lab", "members": {"org-lab": "CONTRIBUTE"}}]}
EOF_FIXTURES
start_mock_server 9 --fixtures "$WORK/fixtures.json" --authserver-port 0 \
  --authserver-tls-cert "$TLS/cert.pem" --authserver-tls-key "$TLS/key.pem"
# The banner (printed just after the port file) names the auth server's port.
AUTH_PORT=""
for _ in $(seq 1 200); do
  AUTH_PORT=$(sed -n 's/.*DX_AUTHSERVER_PORT=\([0-9]*\).*/\1/p' "$SERVER_LOG" | head -n 1)
  [ -n "$AUTH_PORT" ] && break
  sleep 0.05
done
check "the banner prints the auth server exports" bash -c "grep -q 'DX_AUTHSERVER_HOST=https://127.0.0.1' '$SERVER_LOG'"
CAROL=(env DX_SECURITY_CONTEXT='{"auth_token": "tok-carol", "auth_token_type": "Bearer"}' DX_USER_CONF_DIR="$WORK/carolconf")

# 1. Orgs: the fixture org, a new one, members, projects and apps billed to it.
run "find orgs" "$DX" find orgs --level ADMIN && check "the fixture org is there" contains "org-lab : The Lab"
run "find org members" "$DX" find org members org-lab && check "members with names and levels" \
  bash -c "grep -q 'user-alice' <<<'$LAST' && grep -q 'user-carol : Carol Smith' <<<'$LAST' && grep -q '(MEMBER)' <<<'$LAST'"
run "new org" "$DX" new org "Second Org" --handle second --brief && check "dx new org" equals "org-second"
run "add member" "$DX" add member org-second bob --level MEMBER && check "dx add member" contains "Invited user-bob"
run "members of the new org" "$DX" find org members org-second --brief && check "bob is a member" \
  bash -c "grep -qx 'user-bob' <<<'$LAST'"
refused "adding him twice" "already a member" "$DX" add member org-second bob --level MEMBER
run "find org projects" "$DX" find org projects org-lab && check "the project billed to the org" contains "Lab data"
run "new project billed to the org" "$DX" new project "Org project" --bill-to org-lab --brief && ORGPROJ=$LAST
refused "carol may not bill the org" "PermissionDenied" "${CAROL[@]}" "$DX" new project nope --bill-to org-lab
run "carol sees the shared project" "${CAROL[@]}" "$DX" find projects --brief && check "VIEW through the org" \
  bash -c "[ \$(wc -l <<<'$LAST') -eq 1 ]"
run "find org apps" "$DX" find org apps org-lab --brief && check "no apps billed to the org yet" equals ""

# 2. Regions
run "new project in azure" "$DX" new project West --region azure:westus --brief && WEST=$LAST
run "describe region" "$DX" describe "$WEST" --json && check "the project's region" json 'd["region"] == "azure:westus"'
run "find projects --region" "$DX" find projects --region azure:westus --brief && check "dx find projects --region" equals "$WEST"
refused "an unknown region" "InvalidInput" "$DX" new project Nowhere --region mars:north-1

# 3. Data: archive and unarchive, batch inputs, cp and mv of folders
run "new project" "$DX" new project Data --brief && DATA=$LAST && run select "$DX" select "$DATA"
for name in s1_R1.fq s1_R2.fq s2_R1.fq s2_R2.fq; do printf '%s\n' "$name" >"$WORK/$name"; done
run "mkdir" "$DX" mkdir -p /reads/old && run "upload" "$DX" upload "$WORK"/s1_R1.fq "$WORK"/s1_R2.fq "$WORK"/s2_R1.fq "$WORK"/s2_R2.fq --path /reads/ --brief
run "batch inputs" "$DX" generate_batch_inputs -iforward='s(.*)_R1.fq' -ireverse='s(.*)_R2.fq' --path /reads/ \
  -o "$WORK/dx_batch"
check "dx generate_batch_inputs writes a TSV with both batches" bash -c \
  "[ \$(wc -l <'$WORK/dx_batch.0000.tsv') -eq 3 ] && grep -q \$'^2\ts2_R1.fq\ts2_R2.fq' '$WORK/dx_batch.0000.tsv'"
run "archive" "$DX" archive -a -y /reads/ && check "dx archive tags the files" contains "Tagged 4 file(s) for archival"
run "describe archived" "$DX" describe /reads/s1_R1.fq --json && check "archived" json 'd["archivalState"] == "archived"'
refused "an archived file cannot be downloaded" "archived" "$DX" download /reads/s1_R1.fq -o "$WORK/got"
run "unarchive" "$DX" unarchive -y /reads/ && check "dx unarchive" contains "Tagged 4 file(s) for unarchival"
run "describe unarchived" "$DX" describe /reads/s1_R1.fq --json && check "live again" json 'd["archivalState"] == "live"'
run "new record" "$DX" new record /reads/old/note --close --brief
run "copy a folder" "$DX" cp /reads "$ORGPROJ:/" && run "ls copy" "$DX" ls "$ORGPROJ:/reads/old" && check "dx cp of a folder" contains "note"
refused "copying it again conflicts" "would conflict with the route of an existing folder" "$DX" cp /reads "$ORGPROJ:/"
run "mv folder" "$DX" mv /reads/old /archive && run "ls moved" "$DX" ls /archive && check "dx mv renames the folder" contains "note"
run "mkdir dest" "$DX" mkdir /dest && run "mv into" "$DX" mv /archive /dest && run "ls into" "$DX" ls /dest/archive && check "dx mv into a folder" contains "note"

# 4. A workflow with stages, and a global workflow built from it
mkdir -p "$WORK/hello/src" "$WORK/wf"
cat >"$WORK/hello/dxapp.json" <<'EOF_APP'
{"name": "hello", "dxapi": "1.0.0", "version": "0.0.1", "inputSpec": [{"name": "who", "class": "string"}],
 "outputSpec": [{"name": "greeting", "class": "string"}],
 "runSpec": {"interpreter": "bash", "file": "src/hello.sh", "distribution": "Ubuntu", "release": "20.04", "version": "0"}}
EOF_APP
printf 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n' >"$WORK/hello/src/hello.sh"
run "build applet" "$DX" build "$WORK/hello" --destination / && APPLET=$(id_of)
run "find data --region" "$DX" find data --class applet --region azure:westus --brief && check "none in the other region" equals ""
run "find data --region (its own)" "$DX" find data --class applet --region aws:us-east-1 --brief && check "dx find data --region" \
  contains "${APPLET:-applet-none}"
cat >"$WORK/wf/dxworkflow.json" <<EOF_WF
{"name": "greetings", "title": "Greetings", "version": "1.0.0", "summary": "says hello",
 "stages": [{"id": "first", "executable": "${APPLET:-applet-none}", "input": {"who": "world"}},
            {"id": "second", "executable": "${APPLET:-applet-none}",
             "input": {"who": {"\$dnanexus_link": {"stage": "first", "outputField": "greeting"}}}}]}
EOF_WF
run "build workflow" "$DX" build "$WORK/wf" && WORKFLOW=$(id_of)
run "describe workflow" "$DX" describe "${WORKFLOW:-workflow-none}" && check "dx describe shows the stages and the specs" \
  bash -c "grep -q 'Stage 1' <<<'$LAST' && grep -q 'first.who (string, default=\"world\")' <<<'$LAST' && grep -q 'second.greeting' <<<'$LAST'"
run "build global workflow" "$DX" build --globalworkflow "$WORK/wf" && GLOBAL=$(id_of)
check "global workflow id" grep -Eq '^globalworkflow-[0-9A-Za-z]{24}$' <<<"${GLOBAL:-}"
run "describe global workflow" "$DX" describe globalworkflow-greetings --json && check "its describe" json \
  "d['id'] == '${GLOBAL:-none}' and d['version'] == '1.0.0' and 'published' not in d and 'aws:us-east-1' in d['regionalOptions']"
run "publish" "$DX" publish greetings/1.0.0 && run "find globalworkflows" "$DX" find globalworkflows && check "published and found" \
  contains "Greetings (greetings), v1.0.0"
run "describe underlying" "$DX" describe globalworkflow-greetings && check "dx describe shows the underlying stages" contains "Stage 1"
refused "bob does not see it" "ResourceNotFound" "${BOB[@]}" "$DX" api globalworkflow-greetings describe
run "run global workflow" "$DX" run globalworkflow-greetings -y --brief && GWRUN=$(tail -n 1 <<<"$LAST")
run "wait for its analysis" "$DX" wait "${GWRUN:-analysis-none}"
run "describe its analysis" "$DX" describe "${GWRUN:-analysis-none}" --json && check "an analysis of the global workflow" \
  json "d['executable'] == '${GLOBAL:-none}' and d['state'] == 'done' and len(d['stages']) == 2"
refused "a region the global workflow lacks" "not enabled in the region" \
  "$DX" api globalworkflow-greetings run "{\"project\": \"$WEST\", \"input\": {}}"

# 5. Users: dx invite of nobody, ssh_config, the auth server (login, user_info, logout, setenv)
refused "inviting a user that does not exist" "ResourceNotFound" "$DX" invite nobody
refused "uninviting one" "ResourceNotFound" "$DX" uninvite nobody
mkdir -p "$DX_USER_CONF_DIR"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIInteropKeyNotReal alice@interop\n' >"$DX_USER_CONF_DIR/ssh_id.pub"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n' >"$DX_USER_CONF_DIR/ssh_id"
run "ssh_config" bash -c "echo 0 | '$DX' ssh_config" && check "dx ssh_config uploads the key" contains "Updated public key for user user-alice"
run "key stored" "$DX" api user-alice describe '{"fields": {"sshPublicKey": true}}' && check "stored exactly as sent" \
  json "d['sshPublicKey'] == open('$DX_USER_CONF_DIR/ssh_id.pub').read()"
refused "a private key is refused" "Tried to put a private key in the sshPublicKey field" \
  "$DX" api user-alice update '{"sshPublicKey": "-----BEGIN RSA PRIVATE KEY-----"}'
LOGIN=(env -u DX_SECURITY_CONTEXT DX_USER_CONF_DIR="$WORK/loginconf" DX_CA_CERT="$TLS/cert.pem"
  DX_AUTHSERVER_HOST=https://127.0.0.1 DX_AUTHSERVER_PORT="$AUTH_PORT")
run "login --token" bash -c "printf '\n\n\n' | $(printf '%q ' "${LOGIN[@]}") '$DX' login --token tok-carol --host 127.0.0.1 --port '$AUTH_PORT' --noprojects"
run "whoami after login" "${LOGIN[@]}" "$DX" whoami && check "dx login --token saved carol's token" equals "carol"
check "login asked the auth server for the username" bash -c "grep -q '\"DX_USERNAME\": \"carol\"' '$WORK/loginconf/environment.json' || grep -qx carol '$WORK/loginconf/DX_USERNAME'"
run "user_info" "${LOGIN[@]}" DX_SECURITY_CONTEXT='{"auth_token": "tok-carol", "auth_token_type": "Bearer"}' "$PY" -c \
  'import dxpy; print(dxpy.user_info()["username"])' && check "dxpy.user_info()" equals "carol"
run "setenv" bash -c "printf 'http\n127.0.0.1\n$PORT\n' | $(printf '%q ' "${LOGIN[@]}") '$DX' setenv --noprojects"
check "dx setenv saved the API server" bash -c "grep -q '\"DX_APISERVER_PORT\": \"$PORT\"' '$WORK/loginconf/environment.json'"
run "logout" "${LOGIN[@]}" "$DX" logout && check "dx logout revokes the token" contains "Deleted token with signature"
refused "the token no longer works" "InvalidAuthentication" "${CAROL[@]}" "$DX" whoami

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
