#!/usr/bin/env bash
# The model-based soak (Tests/soak/soak.py, issue 10), short form for CI: SOAK_ROUNDS (default 40) rounds of random
# IAM changes, administrator changes, faults, kills and concurrent runs against moto, with every invariant checked
# after each round. The seed is random unless SOAK_SEED pins it; hostile names (., .., -x, root, ...) are included
# because this sandbox is the whole-root pivot_root one. On a violation it prints the seed and the round, and
# `scripts/soak --seed N --rounds R` replays it. The long form: scripts/soak --rounds 1000 --quiet.
source "$(dirname "$0")/lib.sh"

args=(--rounds "${SOAK_ROUNDS:-40}" --quiet)
if [[ -n ${SOAK_SEED:-} ]]; then
    args+=(--seed "$SOAK_SEED")
fi
python3 "$EC2SSH_REPO/Tests/soak/soak.py" "${args[@]}" || fail "the soak found invariant violations (above)"
echo "soak ok"
