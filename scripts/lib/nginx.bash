#!/usr/bin/env bash
# The benchmarks' floor server: nginx on 127.0.0.1 answering every request with a fixed whoami body.
#
#   source scripts/lib/nginx.bash
#   nginx_start DIR [WORKERS] || exit 1
#     writes DIR/nginx.conf, starts nginx in the background (worker_processes WORKERS, default 2;
#     keep-alive without a request limit; no access log) on a free port, waits until it accepts
#     connections and sets NGINX_PID and NGINX_PORT. Every request gets `200` with
#     `Content-Type: application/json` and the body `{"id":"user-alice"}`: the answer to
#     `POST /system/whoami` with nothing computed, the least a server can do for a request.
#   nginx_stop
#     stops it (also safe when it was never started).

nginx_start() {
  local dir=$1 workers=${2:-2}
  command -v nginx >/dev/null || { echo "nginx is required (scripts/setup.sh --bench)" >&2; return 1; }
  NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<NGINX
$user_line
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type application/json;
      return 200 '{"id":"user-alice"}';
    }
  }
}
NGINX
  nginx -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  local tries=0
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $NGINX_PORT), 0.2)" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 200 ] || ! kill -0 "$NGINX_PID" 2>/dev/null; then
      echo "nginx did not start; its log:" >&2
      cat "$dir/nginx-error.log" >&2 2>/dev/null
      nginx_stop
      return 1
    fi
    sleep 0.05
  done
}

nginx_stop() {
  if [ -n "${NGINX_PID:-}" ]; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
  fi
}
