#!/usr/bin/env bash
# Builds gVisor's runsc and its containerd shim (containerd-shim-runsc-v1) from the module
# gvisor.dev/gvisor, pinned in gvisor/go.mod. The module proxy serves gVisor's Go-compatible
# "go" branch as pseudo-versions (there are no tagged module versions); the version recorded is
# that pseudo-version. Does nothing when the binaries are there. Prints the bin directory last.
# Usage: build-gvisor.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/gvisor"
version=$(gomod_version "$moddir" gvisor.dev/gvisor)
# `runsc --version` prints runsc/version.version (VERSION_MISSING when not stamped).
ldflags="-s -w -X gvisor.dev/gvisor/runsc/version.version=$version"
# Upstream builds both statically with cgo off (Bazel pure/static go_binary).
CGO_ENABLED=0 gobuild gvisor "$version" "$moddir" "$ldflags" "" \
  runsc=gvisor.dev/gvisor/runsc containerd-shim-runsc-v1=gvisor.dev/gvisor/shim
