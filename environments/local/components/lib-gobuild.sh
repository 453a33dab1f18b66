# Sourced by the build-<name>.sh scripts next to it (not run on its own).
# A component folder holds a go.mod that requires the upstream module at an exact version and
# names its command packages as `tool` directives, plus the go.sum `go mod tidy` wrote. The
# build goes through the module proxy into ${RA2CERT_CACHE:-$HOME/.cache/ra2cert}/<name>-<version>/bin.

# gomod_version MODDIR MODULE: the version MODDIR/go.mod requires MODULE at, accepting both
# "require M v" and the in-block "M v // indirect" that `go mod tidy` writes for tool-only modules.
gomod_version() {
  local v
  v=$(awk -v m="$2" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m && $2 ~ /^v/ { print $2; exit }' "$1/go.mod")
  [[ -n "$v" ]] || { echo "lib-gobuild: $1/go.mod does not require $2" >&2; return 2; }
  echo "$v"
}

# gomod_commit MODDIR MODULE VERSION: the upstream git commit of a module version, from the
# proxy's origin record (what `git rev-parse HEAD` would say in an upstream checkout); empty if unknown.
gomod_commit() {
  (cd "$1" && go mod download -json "$2@$3" 2>/dev/null) |
    sed -n 's/^\t\t"Hash": "\([0-9a-f]*\)",\{0,1\}$/\1/p' | head -n1
}

# gobuild NAME VERSION MODDIR LDFLAGS TAGS BIN=PACKAGE...
# Builds each PACKAGE (a command package MODDIR/go.mod names as a tool) to bin/BIN. Does nothing
# when all binaries are there; otherwise builds the missing ones into bin.partial and moves
# them in at the end. CGO_ENABLED is taken from the caller's environment (default 0).
# Prints the bin directory as the last line on stdout; everything else goes to stderr.
gobuild() {
  local name=$1 version=$2 moddir=$3 ldflags=$4 tags=$5
  shift 5
  local cache=${RA2CERT_CACHE:-$HOME/.cache/ra2cert}
  local bin="$cache/$name-$version/bin" spec missing=() start
  for spec in "$@"; do [[ -x "$bin/${spec%%=*}" ]] || missing+=("$spec"); done
  if ((${#missing[@]} == 0)); then echo "$bin"; return 0; fi

  mkdir -p "$cache"
  # Two concurrent runs for the same component would share bin.partial; let the second wait.
  exec 9>"$cache/$name-$version.lock"
  flock 9
  missing=()
  for spec in "$@"; do [[ -x "$bin/${spec%%=*}" ]] || missing+=("$spec"); done
  if ((${#missing[@]} == 0)); then exec 9>&-; echo "$bin"; return 0; fi

  echo "build-$name: building ${missing[*]%%=*} $version (CGO_ENABLED=${CGO_ENABLED:-0})" >&2
  rm -rf "$bin.partial" && mkdir -p "$bin.partial"
  start=$(date +%s)
  for spec in "${missing[@]}"; do
    (cd "$moddir" && CGO_ENABLED=${CGO_ENABLED:-0} GOFLAGS=-mod=readonly go build -trimpath \
      ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$bin.partial/${spec%%=*}" "${spec#*=}")
    echo "build-$name: ${spec%%=*} built ($(($(date +%s) - start)) s so far)" >&2
  done
  mkdir -p "$bin"
  mv "$bin.partial"/* "$bin"/ && rmdir "$bin.partial"
  exec 9>&-
  echo "$bin"
}
