#!/usr/bin/env bash
# Secrets never reach what a run writes. Canaries are planted in every place a secret can
# come from — the run's bearer token (inline, from a tokenFile, and from an exec credential
# plugin's output), a client key of another user in the same kubeconfig, and the Secret data
# case 4.6.001 creates (marked "ra2cert-secret-canary-") — then everything the run wrote is
# scanned: console output, logs/, junit.xml, results.json, report.html, cluster-facts.json,
# config.json and every member of the bundle. The scanner proves itself first on a planted
# copy. Exit 1 when a canary is found or a run did not exercise the paths (4.6.001 Passed).
#
#   secrets.sh RA2CERT_BINARY [STATE_DIR]
#
# Runs on the shared local cluster and removes the ServiceAccount and binding it adds. Needs root.
set -euo pipefail
RA2CERT=${1:?usage: secrets.sh RA2CERT_BINARY [STATE_DIR]}
STATE=${2:-/var/lib/ra2cert/local}
OUT=$(mktemp -d /tmp/ra2cert-secrets.XXXXXX)
ADMIN=$STATE/kubeconfig/admin.kubeconfig
say() { printf '%s secrets: %s\n' "$(date +%T)" "$*"; }
# The shared local cluster (ctest fixture local_cluster) is up: attach to it like any cluster.
[[ -f "$STATE/cluster.env" ]] || { echo "no local cluster in $STATE (ctest's local_cluster fixture brings it up)" >&2; exit 1; }
REGISTRY=$(awk -F= '$1 == "REGISTRY" { print $2 }' "$STATE/cluster.env")
SERVER=$(awk '/server:/ { print $2; exit }' "$ADMIN")
api() {  # api METHOD PATH [BODY]
  curl -fsS --max-time 10 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
    --key "$STATE/pki/admin.key" -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$SERVER$2"
}

# The run's credential: a ServiceAccount token with cluster-admin (removed again on exit).
remove_canary_account() {
  api DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ra2cert-canary >/dev/null 2>&1 || true
  api DELETE /api/v1/namespaces/kube-system/serviceaccounts/ra2cert-canary >/dev/null 2>&1 || true
}
remove_canary_account
trap remove_canary_account EXIT
api POST /api/v1/namespaces/kube-system/serviceaccounts '{"metadata":{"name":"ra2cert-canary"}}' >/dev/null
api POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings '{"metadata":{"name":"ra2cert-canary"},
  "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
  "subjects":[{"kind":"ServiceAccount","name":"ra2cert-canary","namespace":"kube-system"}]}' >/dev/null
TOKEN=$(api POST /api/v1/namespaces/kube-system/serviceaccounts/ra2cert-canary/token \
  '{"spec":{"expirationSeconds":3600}}' | jq -r .status.token)
[[ -n "$TOKEN" && "$TOKEN" != null ]] || { echo "no token from the TokenRequest API" >&2; exit 1; }
# A JWT's header is the same for every token; its signature is what only this token has.
TOKEN_SIGNATURE=${TOKEN##*.}
KEY_DATA=$(grep -m1 'client-key-data:' "$ADMIN" | awk '{ print $2 }')
KEY_LINE=$(base64 -d <<<"$KEY_DATA" | sed -n 2p)  # a line of the PEM body
printf '%s' "$TOKEN" >"$OUT/token"
cat >"$OUT/plugin.sh" <<PLUGIN
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "\$(cat $OUT/token)"
PLUGIN
chmod +x "$OUT/plugin.sh"

# kubeconfig NAME USER-YAML: the cluster, the canary user, and the admin's key as a second
# (unused) user, so the file holds a client key the run must not leak either.
kubeconfig() {
  cat >"$OUT/$1.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $SERVER
    certificate-authority-data: $(base64 -w0 "$STATE/pki/ca.crt")
users:
- name: canary
  user:
$2
- name: unused-admin
  user:
    client-certificate-data: $(base64 -w0 "$STATE/pki/admin.crt")
    client-key-data: $KEY_DATA
contexts:
- name: canary
  context: {cluster: local, user: canary}
current-context: canary
KC
}
kubeconfig token "    token: $TOKEN"
kubeconfig tokenfile "    tokenFile: $OUT/token"
kubeconfig exec "    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $OUT/plugin.sh
      interactiveMode: Never"

"$RA2CERT" keygen --out "$OUT/key" --algorithm ed25519 >/dev/null
canaries=("$TOKEN_SIGNATURE" "$KEY_DATA" "$KEY_LINE" "ra2cert-secret-canary-")
# scan DIR: prints each file under DIR (and inside each bundle) holding a canary.
scan() {
  local dir=$1 bundle
  for bundle in "$dir"/ra2cert-*.tar.gz; do
    [[ -f "$bundle" ]] || continue
    mkdir -p "$bundle.unpacked" && tar -xzf "$bundle" -C "$bundle.unpacked"
  done
  for c in "${canaries[@]}"; do grep -rlF -- "$c" "$dir" || true; done | sort -u
}

mkdir -p "$OUT/self-test" && echo "a log line with $TOKEN_SIGNATURE in it" >"$OUT/self-test/x.log"
[[ -n "$(scan "$OUT/self-test")" ]] || { echo "the scanner does not find a planted canary" >&2; exit 1; }

found=0
for kc in token tokenfile exec; do
  say "run with the $kc credential"
  "$RA2CERT" run --kubeconfig "$OUT/$kc.kubeconfig" --image-registry "$REGISTRY" \
    --focus '^4\.(3\.00[12]|6\.001|9\.00[12]) ' --parallel 3 --sign-key "$OUT/key/ra2cert.key" \
    --output-dir "$OUT/run-$kc" >"$OUT/$kc.console" 2>&1 || true
  cp "$OUT/$kc.console" "$OUT/run-$kc/console.txt"
  outcome=$(jq -r '.cases[] | select(.id == "4.6.001") | .outcome' "$OUT/run-$kc/results.json" 2>/dev/null || echo none)
  [[ "$outcome" == Passed ]] || { say "$kc: 4.6.001 is $outcome, the Secret path was not exercised"; found=1; }
  leaks=$(scan "$OUT/run-$kc")
  if [[ -n "$leaks" ]]; then say "$kc: canary found in:"; echo "$leaks"; found=1; else say "$kc: no canary in $(find "$OUT/run-$kc" -type f | wc -l) files"; fi
done
api DELETE /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ra2cert-canary >/dev/null || true
((found == 0))
