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
cache=${RA2CERT_CACHE:-$HOME/.cache/ra2cert}
# `runsc --version` prints runsc/version.version (VERSION_MISSING when not stamped).
ldflags="-s -w -X gvisor.dev/gvisor/runsc/version.version=$version"

# The shim sets its own oom_score_adj to -999 and fails to start when that is refused, as it is
# for a root without CAP_SYS_RESOURCE (our VMs; no config option avoids the write). So the shim
# is built from a copy of the module where that one error is tolerated when it is EPERM/EACCES.
oom_check='if err := sys.SetOOMScore(cmd.Process.Pid, oomScoreMax); err != nil {'
oom_fixed='if err := sys.SetOOMScore(cmd.Process.Pid, oomScoreMax); err != nil && !os.IsPermission(err) {'
marker=.shim-tolerates-refused-oom-score   # in the bin dir: its shim is the adjusted one
src="$cache/gvisor-$version-src"           # gvisor/ (adjusted module copy), build/ (go.mod)

# prepare_shim_src: creates $src once (in a temporary directory, renamed into place at the end).
prepare_shim_src() {
  local dir tmp file=pkg/shim/v1/manager.go
  if [[ -f "$src/build/go.mod" ]] && grep -qF -- "$oom_fixed" "$src/gvisor/$file"; then return 0; fi
  rm -rf "$src"
  dir=$(cd "$moddir" && go mod download -json "gvisor.dev/gvisor@$version" |
    sed -n 's/^\t"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -d "$dir" ]] || { echo "build-gvisor: gvisor.dev/gvisor@$version not in the module cache" >&2; return 1; }
  mkdir -p "$cache" && tmp=$(mktemp -d "$src.partial.XXXXXX") && chmod 755 "$tmp"
  cp -R "$dir" "$tmp/gvisor" && chmod -R u+w "$tmp/gvisor"
  if [[ $(grep -cF -- "$oom_check" "$tmp/gvisor/$file") != 1 ]]; then
    echo "build-gvisor: upstream changed: $file no longer has exactly one such line:" >&2
    echo "  $oom_check" >&2
    echo "build-gvisor: revisit the OOM-score adjustment in $0" >&2
    rm -rf "$tmp"; return 1
  fi
  OLD=$oom_check NEW=$oom_fixed perl -pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$tmp/gvisor/$file"
  grep -qF -- "$oom_fixed" "$tmp/gvisor/$file" || { echo "build-gvisor: editing $file failed" >&2; rm -rf "$tmp"; return 1; }
  mkdir "$tmp/build" && cp "$moddir/go.mod" "$moddir/go.sum" "$tmp/build/"
  printf '\nreplace gvisor.dev/gvisor => %s\n' "$src/gvisor" >>"$tmp/build/go.mod"
  mv -T "$tmp" "$src" 2>/dev/null || rm -rf "$tmp"   # another run got there first
}

# Upstream builds both statically with cgo off (Bazel pure/static go_binary). runsc comes from
# the module as is; a shim in the bin dir without the marker (an older build) is rebuilt.
bin="$cache/gvisor-$version/bin"
[[ -f "$bin/$marker" ]] || rm -f "$bin/containerd-shim-runsc-v1"
CGO_ENABLED=0 gobuild gvisor "$version" "$moddir" "$ldflags" "" runsc=gvisor.dev/gvisor/runsc >/dev/null
if [[ ! -x "$bin/containerd-shim-runsc-v1" ]]; then prepare_shim_src; fi
bin=$(CGO_ENABLED=0 gobuild gvisor "$version" "$src/build" "$ldflags" "" \
  containerd-shim-runsc-v1=gvisor.dev/gvisor/shim)
touch "$bin/$marker"
echo "$bin"
