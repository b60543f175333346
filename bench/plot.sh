#!/usr/bin/env bash
# Draws bench/import-figures.svg from bench/import-figures.csv (first import, no-op runs and the useradd floor against
# the number of users, log scale), with matplotlib from the project's virtualenv (installed there from
# bench/requirements-plot.txt when missing: only the benchmarks need it, never the build, the tests or CI).
#
# Usage: bench/plot.sh [USERS...]
#   With USERS, first runs bench/import.sh --no-build USERS for each (build the release binary first, or run
#   bench/import.sh once without --no-build) and puts its "csv:" line in bench/import-figures.csv in place of the
#   line for that size. BENCH_VENV=DIR uses another virtualenv than .venv/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
csv=$repo/bench/import-figures.csv
venv=${BENCH_VENV:-$repo/.venv}
for users in "$@"; do
    [[ $users =~ ^[1-9][0-9]*$ ]] || { echo "plot: USERS must be a positive number, not '$users'" >&2; exit 64; }
    out=$(mktemp)
    "$repo/bench/import.sh" --no-build "$users" | tee "$out"
    line=$(sed -n 's/^csv: //p' "$out")
    rm -f "$out"
    [[ -n $line ]] || { echo "plot: bench/import.sh $users printed no csv line" >&2; exit 1; }
    python3 - "$csv" "$line,import.sh $(date -u +%F)" <<'PY'
import sys
path, line = sys.argv[1], sys.argv[2]
rows = open(path).read().splitlines()
users = line.split(",")[0]
rows = [rows[0]] + [r for r in rows[1:] if r.split(",")[0] != users] + [line]
rows[1:] = sorted(rows[1:], key=lambda r: int(r.split(",")[0]))
open(path, "w").write("\n".join(rows) + "\n")
PY
done
if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
    [[ -x $venv/bin/pip ]] || { echo "plot: no virtualenv at $venv (scripts/install-deps makes .venv/)" >&2; exit 1; }
    "$venv/bin/pip" install -q -r "$repo/bench/requirements-plot.txt"
fi
"$venv/bin/python" "$repo/bench/plot.py" "$csv" "$repo/bench/import-figures.svg"
echo "plot: wrote bench/import-figures.svg" >&2
