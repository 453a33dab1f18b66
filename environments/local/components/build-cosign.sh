#!/usr/bin/env bash
# Builds the cosign CLI (Sigstore; pinned in cosign/go.mod at a v2.x release) from its Go module
# into the cache, cgo off as upstream's default `make cosign` (no PIV/PKCS#11 key support).
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-cosign.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/cosign"
version=$(gomod_version "$moddir" github.com/sigstore/cosign/v2)
ldflags="-s -w -buildid="
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/cosign-$version/bin/cosign" ]]; then
  # As upstream's Makefile (sigs.k8s.io/release-utils/version); without it `cosign version`
  # reports the dependency-module build info rather than the release.
  p=sigs.k8s.io/release-utils/version
  ldflags+=" -X $p.gitVersion=$version -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  commit=$(gomod_commit "$moddir" github.com/sigstore/cosign/v2 "$version")
  [[ -n "$commit" ]] && ldflags+=" -X $p.gitCommit=$commit"
fi
CGO_ENABLED=0 gobuild cosign "$version" "$moddir" "$ldflags" "" cosign=github.com/sigstore/cosign/v2/cmd/cosign
