#!/usr/bin/env bash
# Builds crictl and critest (cri-tools, pinned in critools/go.mod) from their Go module into the
# cache, cgo off as upstream. crictl is the peer the CRI benchmark (bench/cri_bench) measures
# ra2cert's CRI client against; critest, cri-tools' CRI validation suite, is the peer the
# agreement test (tests/critest) and `cri_bench --suites` hold ra2cert's CRI cases against.
# Does nothing when the binaries are there. Prints the bin directory on its last line.
# Usage: build-critools.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/critools"
version=$(gomod_version "$moddir" sigs.k8s.io/cri-tools)
# As upstream's Makefile: the release version, else `crictl --version` says "unknown".
ldflags="-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$version"
bin=$(CGO_ENABLED=0 gobuild critools "$version" "$moddir" "$ldflags" "" crictl=sigs.k8s.io/cri-tools/cmd/crictl | tail -n1)
# critest is a Go test binary (upstream builds it with `go test -c`), so gobuild cannot make it.
if [[ ! -x "$bin/critest" ]]; then
  exec 9>"$bin/../critest.lock"
  flock 9
  if [[ ! -x "$bin/critest" ]]; then
    echo "build-critools: building critest $version" >&2
    start=$(date +%s)
    (cd "$moddir" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go test -c -trimpath -ldflags "$ldflags" \
      -o "$bin/critest.partial" sigs.k8s.io/cri-tools/cmd/critest)
    mv "$bin/critest.partial" "$bin/critest"
    echo "build-critools: critest built ($(($(date +%s) - start)) s)" >&2
  fi
  exec 9>&-
fi
echo "$bin"
