#!/usr/bin/env bash
# The main job on a fresh machine: install the Debian packages, build ra2cert, build the
# pinned Kubernetes components from their Go modules (cached in ~/.cache/ra2cert), spin
# the local cluster up, certify it, write the reports and tear the cluster down.
# Extra arguments go to `ra2cert run --local` (e.g. --nodes 3, --output-dir DIR, --keep-cluster).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[[ $EUID -eq 0 ]] || { echo "certify.sh: run as root (the local cluster needs network namespaces and cgroups)" >&2; exit 2; }
environments/setup/install-debian-packages.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
exec build/ci/bin/ra2cert run --local "$@"
