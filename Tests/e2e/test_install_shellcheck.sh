#!/usr/bin/env bash
# install.sh, scripts/build-release, scripts/build-packages and the install and package tests are shellcheck-clean
# (skipped, saying so, when shellcheck is not installed: apt-get install shellcheck).
source "$(dirname "$0")/lib.sh"

if ! command -v shellcheck >/dev/null; then
    echo "SKIP: shellcheck is not installed (apt-get install shellcheck)"
    exit 0
fi
cd "$EC2SSH_REPO"
shellcheck -x -P Tests/e2e install.sh scripts/build-release scripts/sandbox scripts/e2e-run Tests/e2e/install_lib.sh \
    scripts/fuzz Tests/e2e/test_install_*.sh Tests/e2e/host_test_*.sh Tests/e2e/sandbox_destroy_inside.sh \
    scripts/build-packages scripts/package-cache Tests/e2e/package_lib.sh Tests/e2e/test_package_*.sh \
    Tests/e2e/fleet_lib.sh Tests/e2e/test_fleet*.sh ||
    fail "shellcheck reports the problems above"
echo "shellcheck ok"
