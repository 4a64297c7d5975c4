#!/usr/bin/env bash
# The demo page (DIST/demo/, written by build.sh) in headless Chromium: it must load with no
# console error and show a score. Serves DIST over HTTP on a free port (ES modules do not load from
# file://) with python3's http.server, opens demo/?example, which fills in the example respondent,
# scores it and reports what the page shows (scores, style, errors it caught) in a request to
# demo/report; the server writes that report, and this script checks it and Chromium's console log.
#   bash bindings/wasm/demo_test.sh DIST [CHROMIUM] [PYTHON3]
set -euo pipefail
dist="$(cd "$1" && pwd)"
chromium="${2:-chromium}"
python="${3:-python3}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

cat >"$work/server.py" <<'PY'
import http.server, json, sys, urllib.parse
root, report_path, port_path = sys.argv[1], sys.argv[2], sys.argv[3]
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/demo/report":
            with open(report_path + ".tmp", "w") as f:
                json.dump({k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}, f)
            import os; os.replace(report_path + ".tmp", report_path)
            self.send_response(204); self.end_headers()
            return
        super().do_GET()
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_path, "w") as f:
    f.write(str(httpd.server_address[1]))
httpd.serve_forever()
PY
"$python" "$work/server.py" "$dist" "$work/report.json" "$work/port" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"

url="http://127.0.0.1:$port/demo/index.html?example"
"$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --remote-debugging-port=0 "$url" \
  >"$work/chromium.out" 2>"$work/chromium.log" &
pids+=($!)
for _ in $(seq 600); do [ -f "$work/report.json" ] && break; sleep 0.1; done
sleep 0.5  # console messages written after the report
if [ ! -f "$work/report.json" ]; then
  echo "demo_test: the page sent no report within 60 s"; grep -E 'CONSOLE|Uncaught' "$work/chromium.log" || true
  cat "$work/server.log"; exit 1
fi

status=0
read_field() { "$python" -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/report.json" "$1"; }
if grep -E 'CONSOLE|Uncaught' "$work/chromium.log" >"$work/console.log"; then
  echo "demo_test: console messages (none expected):"; cat "$work/console.log"; status=1
fi
if [ "$(read_field errors)" != "0" ]; then
  echo "demo_test: the page caught errors: $(read_field error_text)"; status=1
fi
if grep -E '" [45][0-9][0-9] ' "$work/server.log"; then
  echo "demo_test: the server answered a request with an error (above)"; status=1
fi
anxiety="$(read_field anxiety)"
avoidance="$(read_field avoidance)"
style="$(read_field style)"
# Respondent R000001 of examples/data/ecr-r-sample.csv: anxiety 4.6875, avoidance 2.2222
# (tests/golden/json/score.json), midpoint style preoccupied (classify.json).
if [ "$anxiety" != "4.69" ] || [ "$avoidance" != "2.22" ] || [ "$style" != "preoccupied" ]; then
  echo "demo_test: expected anxiety 4.69, avoidance 2.22, style preoccupied; the page shows '$anxiety', '$avoidance', '$style'"
  echo "demo_test: the page's result: $(read_field result)"
  status=1
fi
[ "$status" -eq 0 ] && echo "demo_test: the demo page shows anxiety $anxiety, avoidance $avoidance, style $style; no console errors"
exit "$status"
