#!/usr/bin/env bash
# deploy/run.sh [--foreground]: installs what is missing, builds (Release, build/), installs the data
# and starts nureachd on http://127.0.0.1:8080/ (NUREACH_BIND, NUREACH_PORT override the address).
# Safe to re-run: a daemon started earlier by this script (pid in state/nureachd.pid) is stopped
# with SIGTERM first. By default the daemon runs in the background (log: state/nureachd.log);
# --foreground runs it in this process instead (for systemd units and containers).
set -euo pipefail

# shellcheck source=deploy/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BIND=${NUREACH_BIND:-127.0.0.1}
PORT=${NUREACH_PORT:-8080}
BUILD_DIR=$NR_ROOT/build
STATE_DIR=$NR_ROOT/state
PID_FILE=$STATE_DIR/nureachd.pid
LOG_FILE=$STATE_DIR/nureachd.log
DAEMON=$BUILD_DIR/server/nureachd
STARTUP_TIMEOUT_S=20
STOP_TIMEOUT_S=30

usage() {
    cat <<EOF
usage: bash deploy/run.sh [--foreground]
  Builds nureach and starts nureachd on http://${BIND}:${PORT}/
  --foreground   run the daemon in this process (for systemd or a container) instead of the background
  environment:   NUREACH_BIND (127.0.0.1), NUREACH_PORT (8080)
EOF
}

# The daemon's command line; the address comes from the environment, the folders from the checkout.
daemon_args() {
    printf '%s\n' --bind "$BIND" --port "$PORT" --state-dir "$STATE_DIR" --data-dir "$NR_ROOT/data" \
        --static-dir "$NR_ROOT/static" --schema-dir "$NR_ROOT/schema"
}

# Succeeds when PID is a running nureachd (a stale pid file may name a reused pid).
is_our_daemon() {
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q nureachd
}

stop_previous() {
    [ -f "$PID_FILE" ] || return 0
    local pid waited=0
    pid=$(cat "$PID_FILE" 2>/dev/null || true)
    if is_our_daemon "$pid"; then
        nr_step "Stopping the running nureachd (pid $pid)"
        kill -TERM "$pid"
        while is_our_daemon "$pid" && [ "$waited" -lt $((STOP_TIMEOUT_S * 10)) ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        if is_our_daemon "$pid"; then
            nr_warn "nureachd (pid $pid) still running ${STOP_TIMEOUT_S} s after SIGTERM: sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        nr_info "stopped"
    fi
    rm -f "$PID_FILE"
}

# The host part of a URL that reaches BIND from this machine.
local_host() {
    case $BIND in
        0.0.0.0 | '') echo 127.0.0.1 ;;
        :: | '[::]') echo '[::1]' ;;
        *:*) echo "[$BIND]" ;;
        *) echo "$BIND" ;;
    esac
}

wait_until_healthy() {
    local url=$1 pid=$2 tries=$((STARTUP_TIMEOUT_S * 4))
    while [ "$tries" -gt 0 ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        if curl -fsS --max-time 2 -o /dev/null "${url}api/v1/health" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
        tries=$((tries - 1))
    done
    return 1
}

start_background() {
    local url pid
    url="http://$(local_host):${PORT}/"
    nr_step "Starting nureachd in the background (log: state/nureachd.log)"
    printf '\n--- %s: deploy/run.sh starts nureachd\n' "$(date -u +%FT%TZ)" >>"$LOG_FILE"
    local -a args
    mapfile -t args < <(daemon_args)
    nohup "$DAEMON" "${args[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
    pid=$!
    echo "$pid" >"$PID_FILE"
    if ! wait_until_healthy "$url" "$pid"; then
        printf '\n--- last lines of %s:\n' "$LOG_FILE" >&2
        tail -n 30 "$LOG_FILE" >&2
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            nr_die "nureachd (pid $pid) did not answer ${url}api/v1/health within ${STARTUP_TIMEOUT_S} s; stopped it"
        fi
        rm -f "$PID_FILE"
        nr_die "nureachd exited during start-up (is port ${PORT} already in use? try NUREACH_PORT=...)"
    fi
    nr_step "nureachd is running (pid $pid)"
    printf '\n    %s\n\n    stop it with: kill %s   (or re-run this script to rebuild and restart)\n' "$url" "$pid"
}

start_foreground() {
    nr_step "Starting nureachd in the foreground on http://$(local_host):${PORT}/ (Ctrl-C or SIGTERM stops it)"
    echo "$$" >"$PID_FILE"
    local -a args
    mapfile -t args < <(daemon_args)
    exec "$DAEMON" "${args[@]}"
}

main() {
    local foreground=0
    while [ $# -gt 0 ]; do
        case $1 in
            --foreground) foreground=1 ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; nr_die "unknown option: $1" ;;
        esac
        shift
    done

    nr_ensure_packages
    nr_build "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
    [ -x "$DAEMON" ] || nr_die "the build finished but $DAEMON is missing"
    nr_install_data
    mkdir -p "$STATE_DIR"
    stop_previous
    if [ "$foreground" -eq 1 ]; then
        start_foreground
    else
        start_background
    fi
}

main "$@"
