#!/usr/bin/env bash
# Builds containerd 2 (containerd, containerd-shim-runc-v2 and ctr; pinned in containerd/go.mod)
# from its Go module into the cache. Debian 12 ships containerd 1.6.20, out of support since 2025;
# the local cluster runs this one unless asked for Debian's (cluster up --runtime containerd-1.6).
# Does nothing when the binaries are there. Prints the bin directory on its last line.
# Usage: build-containerd.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/containerd"
module=github.com/containerd/containerd/v2
version=$(gomod_version "$moddir" "$module")
# As upstream's Makefile: `containerd --version` and the CRI's RuntimeVersion report these.
ldflags="-s -w -X $module/version.Version=$version -X $module/version.Package=github.com/containerd/containerd"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/containerd-$version/bin/containerd" ]]; then
  commit=$(gomod_commit "$moddir" "$module" "$version")
  [[ -n "$commit" ]] && ldflags+=" -X $module/version.Revision=$commit"
fi
# cgo off, as upstream's static release: the snapshotters that need cgo (btrfs) are left out,
# and the node config disables them anyway.
CGO_ENABLED=0 gobuild containerd "$version" "$moddir" "$ldflags" "urfave_cli_no_docs osusergo netgo" \
  containerd=$module/cmd/containerd containerd-shim-runc-v2=$module/cmd/containerd-shim-runc-v2 \
  ctr=$module/cmd/ctr
