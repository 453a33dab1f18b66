#!/usr/bin/env bash
# Builds the Helm 3 CLI (pinned in helm/go.mod; v3.18 is the line built against the
# Kubernetes 1.33 client libraries) from its Go module into the cache, cgo off as upstream.
# Does nothing when the binary is there. Prints the bin directory on its last line.
# Usage: build-helm.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/helm"
version=$(gomod_version "$moddir" helm.sh/helm/v3)
ldflags="-s -w"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/helm-$version/bin/helm" ]]; then
  # As upstream's Makefile: the release version (else `helm version` says v3.x-dev or similar),
  # the commit, and the default Kubernetes version for .Capabilities and lint, taken from the
  # client-go it is built with (v0.33.x -> 1.33).
  ldflags+=" -X helm.sh/helm/v3/internal/version.version=$version"
  ldflags+=" -X helm.sh/helm/v3/internal/version.metadata= -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  commit=$(gomod_commit "$moddir" helm.sh/helm/v3 "$version")
  [[ -n "$commit" ]] && ldflags+=" -X helm.sh/helm/v3/internal/version.gitCommit=$commit"
  IFS=. read -r _ kminor _ <<<"$(gomod_version "$moddir" k8s.io/client-go)"
  for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$kminor"
  done
fi
CGO_ENABLED=0 gobuild helm "$version" "$moddir" "$ldflags" "" helm=helm.sh/helm/v3/cmd/helm
