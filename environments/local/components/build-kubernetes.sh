#!/usr/bin/env bash
# Builds the pinned Kubernetes components (and kubectl, the test peer) from their Go
# modules into the cache, keyed by the exact version. Does nothing when they are there.
# Usage: build-kubernetes.sh [MINOR]      (default 1.33)
# Prints the bin directory on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minor=${1:-1.33}
moddir="$here/k8s-$minor"
[[ -f "$moddir/go.mod" ]] || { echo "build-kubernetes: no go.mod for Kubernetes $minor in $moddir (supported: $(cd "$here" && ls -d k8s-* | sed 's/k8s-//' | tr '\n' ' '))" >&2; exit 2; }
# `go mod tidy` moves the require into the block (as "k8s.io/kubernetes vX // indirect"),
# so accept both spellings; an empty version would build unstamped into kubernetes-/.
version=$(awk '$1 == "require" { $1 = ""; $0 = $0 } $1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$moddir/go.mod")
[[ -n "$version" ]] || { echo "build-kubernetes: cannot read the k8s.io/kubernetes version from $moddir/go.mod" >&2; exit 2; }
cache=${RA2CERT_CACHE:-$HOME/.cache/ra2cert}
bin="$cache/kubernetes-$version/bin"
components=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

missing=()
for c in "${components[@]}"; do [[ -x "$bin/$c" ]] || missing+=("$c"); done
if ((${#missing[@]} == 0)); then echo "$bin"; exit 0; fi

echo "build-kubernetes: building ${missing[*]} $version (cold builds take tens of minutes on 2 cores)" >&2
mkdir -p "$bin.partial"
IFS=. read -r major minor_num _ <<<"${version#v}"
# The version stamp is what /version and `kubectl version` report; without it they say v0.0.0.
pkgs=(k8s.io/component-base/version k8s.io/client-go/pkg/version)
ldflags="-s -w"
for p in "${pkgs[@]}"; do
  ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=$major -X $p.gitMinor=$minor_num"
  ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
start=$(date +%s)
for c in "${missing[@]}"; do
  (cd "$moddir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" \
    -o "$bin.partial/$c" "k8s.io/kubernetes/cmd/$c")
  echo "build-kubernetes: $c built ($(($(date +%s) - start)) s so far)" >&2
done
mkdir -p "$bin"
mv "$bin.partial"/* "$bin"/ && rmdir "$bin.partial"
echo "$bin"
