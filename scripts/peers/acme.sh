#!/bin/sh
# Runs an ACME-oneM2M-CSE checkout as a peer of the live tests (README: "Live tests against real peers").
# It downloads nothing: ACME and its Python packages must already be there (see the README for how to get them).
#
#   acme.sh check ACME_HOME
#       exit 0 and print "acme=<version> python=<version>" if ACME_HOME can run here, else exit 1 with the reason
#   acme.sh in ACME_HOME HTTP_PORT DATA_DIR
#       IN-CSE: CSE-ID /id-in, CSEBase cse-in, HTTP on 127.0.0.1:HTTP_PORT; accepts the registration of /id-mn
#   acme.sh mn ACME_HOME HTTP_PORT DATA_DIR REGISTRAR_URL WS_PORT
#       MN-CSE: CSE-ID /id-mn, CSEBase cse-mn, HTTP on 127.0.0.1:HTTP_PORT, registers to the IN-CSE /id-in
#       (CSEBase cse-in) at REGISTRAR_URL (http://... or ws://..., e.g. the bridge's ws listener). A ws:// registrar
#       needs ACME's WebSocket binding, whose server part listens on 127.0.0.1:WS_PORT (unused otherwise).
#
# The CSE runs in the foreground, headless, with an in-memory database; DATA_DIR gets acme.ini and logs/ (ACME's
# log file: "HTTP server listening on ..." once up, "already in use" when a port was taken). Headless ACME prints
# nothing on a configuration error and exits: run the same command without --headless (ACME_HEADLESS=false) to see it.
#
# Environment: ACME_PYTHON (default python3) a Python 3.11+ that has ACME's packages; PYTHONPATH for packages kept
# outside it; ACME_CHECK_INTERVAL seconds between the CSE's registration checks (default 2 for mn, 30 for in: an
# MN reached through a WebSocket registrar is only reachable while one of its own requests is open, so it must
# check often); ACME_LOG_LEVEL (default debug); ACME_HEADLESS (default true).
set -eu

usage() {
    sed -n '2,13p' "$0" >&2
    exit 2
}

[ $# -ge 2 ] || usage
role=$1
acme_home=$2
python=${ACME_PYTHON:-python3}

[ -f "$acme_home/acmecse/__main__.py" ] || {
    echo "acme.sh: $acme_home is not an ACME-oneM2M-CSE checkout (no acmecse/__main__.py)" >&2
    exit 1
}

if [ "$role" = check ]; then
    # What ACME imports at start (coapthon, kazoo, rich, ...) plus what its plugins need here: TinyDB 4 (the
    # in-memory database too), websockets 11+ (websockets.sync, the WebSocket binding), Flask.
    cd "$acme_home"
    exec "$python" -c '
import sys
try:
    from acmecse.etc.Constants import Constants
    import acmecse.runtime.CSE, tinydb, websockets.sync.client, flask, waitress, flask_cors
    from tinydb.storages import MemoryStorage
except Exception as e:
    sys.exit(f"acme.sh: {sys.executable} cannot run ACME: {type(e).__name__}: {e}")
print(f"acme={Constants.version} python={sys.version.split()[0]}")
'
fi

case $role in
    in) [ $# -eq 4 ] || usage ;;
    mn) [ $# -eq 6 ] || usage ;;
    *) usage ;;
esac
http_port=$3
data_dir=$4
mkdir -p "$data_dir"
ini=$data_dir/acme.ini
registrar_basic=
[ "$role" = in ] || registrar_basic="registrarCseID=id-in
registrarCseName=cse-in"

# [basic.config] feeds ACME's own defaults (acmecse/init/acme.ini.default); the sections below override them.
# consoleType=simple and textui off: ACME's rich console and text UI need packages (plotext, textual) that a
# headless peer does not; the semantic and location services (rdflib, shapely) are not needed either.
cat > "$ini" <<EOF
[basic.config]
cseType=$(echo "$role" | tr a-z A-Z)
cseID=id-$role
cseName=cse-$role
adminID=CAdmin
networkInterface=127.0.0.1
cseHost=127.0.0.1
httpPort=$http_port
databaseType=memory
logLevel=${ACME_LOG_LEVEL:-debug}
consoleType=simple
$registrar_basic

[textui]
enable=false
startWithTUI=false

[cse.service.semantic]
enable=false

[cse.service.location]
enable=false

[logging]
enableFileLogging=true
enableScreenLogging=false
path=$data_dir/logs
size=100000000
count=2
EOF

if [ "$role" = in ]; then
    cat >> "$ini" <<EOF

[cse.registration]
allowedCSROriginators=/id-mn
checkInterval=${ACME_CHECK_INTERVAL:-30}
EOF
else
    registrar=$5
    ws_port=$6
    cat >> "$ini" <<EOF

[cse.registration]
checkInterval=${ACME_CHECK_INTERVAL:-2}

[cse.registrar]
address=$registrar
root=
INCSEcseID=/id-in

[websocket]
enable=true
port=$ws_port
listenIF=127.0.0.1
address=ws://127.0.0.1:$ws_port
EOF
fi

headless=--headless
[ "${ACME_HEADLESS:-true}" = true ] || headless=
cd "$acme_home"
# shellcheck disable=SC2086
exec "$python" -m acmecse --config acme.ini --base-directory "$data_dir" $headless
