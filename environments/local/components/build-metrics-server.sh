#!/usr/bin/env bash
# Builds metrics-server (pinned in metrics-server/go.mod, v0.8.0) from its Go module into the
# cache, statically (cgo off, as upstream's Makefile does), with the version stamped into
# client-go's version package the way upstream's Makefile stamps it (`metrics-server --version`).
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-metrics-server.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/metrics-server"
version=$(gomod_version "$moddir" sigs.k8s.io/metrics-server)
pkg=k8s.io/client-go/pkg/version
ldflags="-s -w -X $pkg.gitVersion=$version"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/metrics-server-$version/bin/metrics-server" ]]; then
  commit=$(gomod_commit "$moddir" sigs.k8s.io/metrics-server "$version")
  [[ -n "$commit" ]] && ldflags+=" -X $pkg.gitCommit=$commit"
fi
CGO_ENABLED=0 gobuild metrics-server "$version" "$moddir" "$ldflags" "" \
  metrics-server=sigs.k8s.io/metrics-server/cmd/metrics-server
