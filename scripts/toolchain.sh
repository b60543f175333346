# shellcheck shell=bash
# Sourced by the scripts that run swift or the tests' Python: finds both without relying on the caller's PATH.
#   swift: the PATH's, else /opt/swift/usr/bin (sudo resets PATH to its secure_path, even with -E, and a root shell
#          may not have Swift's directory on PATH), else an error saying how to put it on PATH.
#   Python: only the project's virtual environment .venv/ (made by scripts/install-deps), never the PATH's python3,
#          so that what passes here passes on a machine with no Python packages.

# The repository's root directory and the project's virtual environment.
EC2SSH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EC2SSH_VENV=$EC2SSH_ROOT/.venv

# use_swift: make sure `swift` runs (adds /opt/swift/usr/bin to PATH when it is only there), or exit 2 saying how.
use_swift() {
    command -v swift >/dev/null 2>&1 && return 0
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        PATH=$PATH:/opt/swift/usr/bin
        export PATH
        return 0
    fi
    {
        echo "$(basename "$0"): swift not found on PATH ($PATH) nor in /opt/swift/usr/bin."
        echo "Install a Swift 6 toolchain (swift.org) and put its usr/bin on PATH: as root, export PATH=/path/to/swift/usr/bin:\$PATH;"
        echo "through sudo (which resets PATH to secure_path, even with -E): sudo env PATH=\"\$PATH\" bash $0"
    } >&2
    exit 2
}

# use_venv: make sure the project's virtual environment has moto, and put its bin/ first on PATH (so `python3` and
# `moto_server` are the venv's), or exit 2 saying how to make it.
use_venv() {
    if [[ ! -x $EC2SSH_VENV/bin/python3 || ! -x $EC2SSH_VENV/bin/moto_server ]]; then
        echo "$(basename "$0"): no moto in the project's virtual environment $EC2SSH_VENV: run scripts/install-deps (as root)" >&2
        exit 2
    fi
    PATH=$EC2SSH_VENV/bin:$PATH
    export PATH
}
