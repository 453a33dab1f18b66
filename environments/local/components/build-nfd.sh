#!/usr/bin/env bash
# Builds Node Feature Discovery's nfd-master and nfd-worker (pinned in nfd/go.mod, v0.17.3: the
# newest release whose api/nfd sibling module is published, and which builds with this Go) from
# their Go modules into the cache, statically, with the version and the host mount prefix
# (/host-: the worker reads the node's /sys, /boot, /etc/os-release … mounted there) stamped the
# way upstream's Makefile stamps them for its image. Beside bin/ goes upstream's CRD manifest
# (NodeFeature, NodeFeatureRule, NodeFeatureGroup) from the same module version, which the local
# cluster applies. Does nothing when all is there. Prints the bin directory on its last line.
# Usage: build-nfd.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/nfd"
version=$(gomod_version "$moddir" sigs.k8s.io/node-feature-discovery)
ldflags="-s -w -X sigs.k8s.io/node-feature-discovery/pkg/version.version=$version"
ldflags+=" -X sigs.k8s.io/node-feature-discovery/pkg/utils/hostpath.pathPrefix=/host-"
crds="${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/nfd-$version/nfd-api-crds.yaml"
if [[ ! -s "$crds" ]]; then
  src=$(cd "$moddir" && go mod download -json sigs.k8s.io/node-feature-discovery |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  mkdir -p "$(dirname "$crds")"
  cp "$src/deployment/base/nfd-crds/nfd-api-crds.yaml" "$crds.partial" && mv "$crds.partial" "$crds"
fi
CGO_ENABLED=0 gobuild nfd "$version" "$moddir" "$ldflags" "" \
  nfd-master=sigs.k8s.io/node-feature-discovery/cmd/nfd-master \
  nfd-worker=sigs.k8s.io/node-feature-discovery/cmd/nfd-worker
