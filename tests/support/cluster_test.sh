# Sourced by the end-to-end scripts that spin up their own local cluster (tests/violations,
# tests/faults, tests/critest): their arguments, output folder, log line and teardown.
#
#   source "$(dirname "$0")/../support/cluster_test.sh" TAG "$@"
#
# Sets RA2CERT, STATE, ROOT, KUBECONFIG_FILE, OUT (a fresh /tmp/ra2cert-TAG.* folder), the
# result table (rows, wrong) and say(); the cluster is taken down when the script exits
# (finish: a script that sets its own EXIT trap calls it there).
set -euo pipefail
CLUSTER_TEST_TAG=$1
STATE=${3:-/var/lib/ra2cert/local}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KUBECONFIG_FILE=$STATE/kubeconfig/admin.kubeconfig
OUT=$(mktemp -d "/tmp/ra2cert-$CLUSTER_TEST_TAG.XXXXXX")
# A copy: these tests run for many minutes, and a rebuild of the tree meanwhile must not
# replace (or briefly remove) the binary under them.
cp "${2:?usage: $(basename "$0") RA2CERT_BINARY [STATE_DIR]}" "$OUT/ra2cert"
RA2CERT=$OUT/ra2cert
rows=() wrong=0
say() { printf '%s %s: %s\n' "$(date +%T)" "$CLUSTER_TEST_TAG" "$*"; }
down() { "$RA2CERT" cluster down --state-dir "$STATE" >>"$OUT/cluster.log" 2>&1 || true; }
# At exit: the cluster down, and the binary's copy gone (OUT stays for its results; a copy
# left there is 180 MB per test per CI run).
finish() { down; rm -f "$OUT/ra2cert"; }
trap finish EXIT
