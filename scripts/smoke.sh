#!/usr/bin/env bash
# The built server (what `npm start` runs) answers /health, /ready and the OpenAPI and
# AsyncAPI documents, opens a chat, stores a message, serves the console and the widget
# loader (from dist/web), then stops cleanly on SIGTERM. The test suite runs the TypeScript
# sources; this covers the bundle.
set -euo pipefail
dir=$(mktemp -d)
port=23456
PORT=$port HOST=127.0.0.1 DATABASE_URL="sqlite:$dir/smoke.db" LOG_LEVEL=warn node dist/main.js &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" | grep -q '"status":"OK"'
curl -sf "http://127.0.0.1:$port/docs/json" | grep -q '"/api/messages"'
curl -sf "http://127.0.0.1:$port/ready" | grep -q '"ready":true'
curl -sf "http://127.0.0.1:$port/docs/asyncapi.json" | grep -q '"asyncapi":"3.0.0"'
curl -sf -X POST "http://127.0.0.1:$port/api/chats" -H 'content-type: application/json' \
  -d '{"userId":"smoke","userName":"Smoke"}' | grep -q '"isNew":true'
curl -sf -X POST "http://127.0.0.1:$port/api/messages" -H 'content-type: application/json' \
  -d '{"senderId":"smoke","senderType":"user","senderName":"Smoke","content":"hello"}' |
  grep -q '"seq":1'
# An image upload goes through sharp, which stays outside the bundle (native).
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' |
  base64 -d >"$dir/dot.png"
url=$(curl -sf -F senderId=smoke -F senderType=user -F "file=@$dir/dot.png;type=image/png" \
  "http://127.0.0.1:$port/api/attachments" | grep -o '"url":"[^"]*"' | cut -d'"' -f4)
curl -sf "http://127.0.0.1:$port$url" -o "$dir/back.png"
test "$(head -c 4 "$dir/back.png" | tail -c 3)" = PNG
curl -sf "http://127.0.0.1:$port/console" | grep -q '/assets/console-'
curl -sf "http://127.0.0.1:$port/widget.js" | grep -q 'assets/widget-'
kill -TERM $pid
wait $pid
echo "smoke: dist/main.js started, served /health, /ready, /docs/json, /docs/asyncapi.json, /api/chats, /api/messages, an image upload and its download, /console and /widget.js, and stopped cleanly"
