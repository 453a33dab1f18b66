#!/bin/sh
# Installed by node.sh as $STATE/bin/containerd-shim-runsc-v1, in front of the real gVisor shim
# (RA2CERT_RUNSC_SHIM). gVisor's shim is built on containerd 2's shim library, whose "start"
# action prints its bootstrap parameters as JSON ({"version":2,"address":"unix://…",…});
# containerd 1.6 (Debian 12) reads that output as the bare socket address. For "start" this
# prints only the address; every other invocation is the real shim, unchanged.
real=${RA2CERT_RUNSC_SHIM:?RA2CERT_RUNSC_SHIM is not set}
for arg in "$@"; do
  if [ "$arg" = start ]; then
    out=$("$real" "$@") || exit $?
    case $out in
      "{"*) printf '%s' "$out" | sed -n 's/.*"address" *: *"\([^"]*\)".*/\1/p' | tr -d '\n' ;;
      *) printf '%s' "$out" ;;
    esac
    exit 0
  fi
done
exec "$real" "$@"
