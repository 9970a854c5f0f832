#!/usr/bin/env bash
# One unattended crawl, for cron (installed by `make cron-install`; see docs/operations.md).
#
#   scripts/cron-crawl.sh [extra runall arguments]
#
# - `flock -n` on $LOCK_FILE: a crawl still running makes this one refuse to start
#   (exit 75, one line in the day's log) instead of two crawls writing the same database.
# - Output is appended to $LOG_DIR/crawl-YYYY-MM-DD.log (UTC day); logs older than
#   $LOG_KEEP_DAYS days (default 30) are deleted.
# - Exit status: runall's (0 ok, 1 a source failed or its health check did, 2 usage), so cron's
#   MAILTO or a monitoring wrapper sees failures.
# Environment: DB (default datasets/observatory.db), LOG_DIR (logs), LOCK_FILE
# ($LOG_DIR/crawl.lock), LOG_KEEP_DAYS (30), CRAWL_CMD (override the crawl command; tests use it).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
DB="${DB:-datasets/observatory.db}"
LOG_DIR="${LOG_DIR:-$ROOT/logs}"
LOCK_FILE="${LOCK_FILE:-$LOG_DIR/crawl.lock}"
LOG_KEEP_DAYS="${LOG_KEEP_DAYS:-30}"
mkdir -p "$LOG_DIR"
LOG="$LOG_DIR/crawl-$(date -u +%Y-%m-%d).log"
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

exec 9>>"$LOCK_FILE"
if ! flock -n 9; then
    echo "$(stamp) refused: another crawl holds $LOCK_FILE" | tee -a "$LOG" >&2
    exit 75  # EX_TEMPFAIL
fi

find "$LOG_DIR" -maxdepth 1 -name 'crawl-*.log' -type f -mtime +"$LOG_KEEP_DAYS" -delete

echo "$(stamp) crawl started (pid $$, db $DB)" >>"$LOG"
if [ -n "${CRAWL_CMD:-}" ]; then
    bash -c "$CRAWL_CMD" >>"$LOG" 2>&1
else
    "$ROOT/.venv/bin/python" -m crawler.ops.runall --db "$DB" "$@" >>"$LOG" 2>&1
fi
rc=$?
echo "$(stamp) crawl finished, exit $rc" >>"$LOG"
exit $rc
