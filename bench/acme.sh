#!/usr/bin/env bash
# Opt-in: the bridge in front of a real CSE (docs/benchmarks.md, "Against a real CSE: ACME"). Given the URL of a
# running ACME-oneM2M-CSE (or any CSE with an HTTP binding), measures at C = 1, 4, 16 connections (W = 1):
#   direct: HttpDirect over HTTP straight to the CSE, one AE per connection (register, container, then 60 % CREATE
#           contentInstance / 30 % RETRIEVE / 10 % discovery), reconnecting whenever the CSE closes the connection;
#   bridge: the load tool over WebSocket through a bridge (started here, its own JVM) to the same CSE, same AEs and mix;
# the cells interleaved over ROUNDS rounds, then ResultsTable --acme prints throughput ratio, added p50/p99 and the
# bridge's CPU per request. The script does not care how the CSE was started; it only needs its URL.
#
# Prerequisite: ./mvnw -B package -pl distribution -am -DskipTests
# Usage: ACME_URL=http://127.0.0.1:8080 bench/acme.sh
# Environment: ACME_URL (required; the CSE's HTTP base URL); ACME_CSE_ID (/id-in) and ACME_CSE_NAME (cse-in): the
#   CSE-ID and CSEBase resource name; ACME_PID (optional: the CSE's process, its CPU per request is recorded for the
#   direct runs); CONNS ("1 4 16"); ROUNDS (2); WARMUP (5s, minimum warm-up per run); MEASURE (30s); PREWARM (30s: the
#   bridge's JIT warm-up against the CSE, not measured); OUT (results directory; default
#   bench/target/results/acme-<time>).
# The CSE must let AEs register with originators starting with C (ACME's default) and keep what they create until
# they delete themselves at the end of each run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
: "${ACME_URL:?set ACME_URL to the HTTP base URL of the CSE, e.g. http://127.0.0.1:8080}"
ACME_URL=${ACME_URL%/}
ACME_CSE_ID=${ACME_CSE_ID:-/id-in}
ACME_CSE_NAME=${ACME_CSE_NAME:-cse-in}
CONNS=${CONNS:-"1 4 16"}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-5s}
MEASURE=${MEASURE:-30s}
PREWARM=${PREWARM:-30s}
out=${OUT:-$here/target/results/acme-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# The CSE answers at all (any HTTP status): a wrong URL fails here, not after the bridge started.
curl -s -o /dev/null -m 10 -H "X-M2M-Origin: CAdmin" -H "X-M2M-RI: acme-sh-probe" -H "X-M2M-RVI: 3" \
    -H "Accept: application/json" "$ACME_URL/$ACME_CSE_NAME" \
    || { echo "no HTTP answer from $ACME_URL/$ACME_CSE_NAME" >&2; exit 1; }

machine "$out/machine-start.json"
say "starting a bridge in front of $ACME_URL (results in $out)"
start_bridge bridge-acme "{ name: up, binding: http, url: \"$ACME_URL\", cseId: $ACME_CSE_ID, serialization: json }"
bridge_pid=$last_pid; bridge_ws=$last_ws

say "warming up the bridge against the CSE ($PREWARM, not measured)"
java $QUIET -Xmx1g -cp "$LOAD_CP" org.m2mbridge.bench.LoadTool --url "$bridge_ws" --cse "$ACME_CSE_NAME" \
    --connections 4 --window 1 --warmup "$PREWARM" --duration 1s >/dev/null 2>>"$out/prewarm.progress" || true

acme_pid=()
[ -z "${ACME_PID:-}" ] || acme_pid=(--pid "$ACME_PID")
echo '[' >"$out/rounds.json"; sep=""
for round in $(seq 1 "$ROUNDS"); do
    mkdir -p "$out/r$round"
    printf '%s{"round":%d,"time":"%s","loadavg":"%s"}\n' "$sep" "$round" "$(date -u +%FT%TZ)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/rounds.json"; sep=","
    for c in $CONNS; do
        say "round $round/$ROUNDS: C=$c (load average $(cut -d' ' -f1 /proc/loadavg))"
        # alternate which side goes first, so neither always meets the CSE right after the other's clean-up
        if [ $(( round % 2 )) -eq 1 ]; then sides="b c"; else sides="c b"; fi
        for k in $sides; do
            if [ "$k" = b ]; then
                direct "r$round/b-c$c-w1.json" "$ACME_URL" --cse "$ACME_CSE_NAME" --connections "$c" --window 1 \
                    "${acme_pid[@]}" --label "direct HTTP to the CSE"
            else
                load "r$round/c-c$c-w1.json" --url "$bridge_ws" --cse "$ACME_CSE_NAME" --connections "$c" --window 1 \
                    --pid "$bridge_pid" --label "bridge WS->HTTP to the CSE"
            fi
        done
    done
done
echo ']' >>"$out/rounds.json"
machine "$out/machine-end.json"

say "done; table:"
java $QUIET -cp "$LOAD_CP" org.m2mbridge.bench.ResultsTable --acme "$out" | tee "$out/tables.md"
say "total $(( $(date +%s) - started ))s"
