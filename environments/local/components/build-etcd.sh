#!/usr/bin/env bash
# Builds etcd, etcdctl and etcdutl (v3.5, pinned in etcd/go.mod) from their Go modules into the
# cache. Debian 12 ships etcd 3.4, older than Kubernetes 1.33 supports; this is the fallback.
# Does nothing when the binaries are there. Prints the bin directory on its last line.
# Usage: build-etcd.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib-gobuild.sh"
moddir="$here/etcd"
version=$(gomod_version "$moddir" go.etcd.io/etcd/server/v3)
# The version number is a constant in go.etcd.io/etcd/api/v3/version; only the commit is stamped
# (upstream's build.sh does the same), read from the proxy's origin record of the pinned module.
ldflags="-s -w"
if [[ ! -x "${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/etcd-$version/bin/etcd" ]]; then
  # A release tags all etcd modules on one commit; the proxy records it for some of them only.
  for m in server/v3 etcdctl/v3 etcdutl/v3 api/v3; do
    commit=$(gomod_commit "$moddir" "go.etcd.io/etcd/$m" "$version") && [[ -n "$commit" ]] && break
  done
  [[ -n "$commit" ]] && ldflags+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:0:7}"
fi
# Upstream builds etcd with CGO_ENABLED=0.
CGO_ENABLED=0 gobuild etcd "$version" "$moddir" "$ldflags" "" \
  etcd=go.etcd.io/etcd/server/v3 etcdctl=go.etcd.io/etcd/etcdctl/v3 etcdutl=go.etcd.io/etcd/etcdutl/v3
