#!/usr/bin/env bash
# Installs every Debian package ra2cert needs to build, test and run a local cluster.
# Idempotent: apt-get skips what is already there, and the package-list refresh runs
# only when a package is missing, so a warm machine pays nothing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev
  libboost1.74-dev libboost-filesystem1.74-dev
  libcurl4-openssl-dev libyaml-cpp-dev libpugixml-dev nlohmann-json3-dev
  libcli11-dev libarchive-dev libssl-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  clang-format clang-tidy libxml2-utils ccache libre2-dev libyaml-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
)
cluster_packages=(
  containerd runc containernetworking-plugins docker-registry umoci
  busybox-static iproute2 iptables conntrack socat ethtool kmod
  etcd-client openssl ca-certificates
  libseccomp-dev
)
test_packages=(
  chromium
)

wanted=("${build_packages[@]}" "${cluster_packages[@]}")
if [[ "${RA2CERT_WITH_BROWSER:-1}" == 1 ]]; then wanted+=("${test_packages[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-debian-packages: all ${#wanted[@]} packages present"
  exit 0
fi
echo "install-debian-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The Debian services must not start on their own: ra2cert starts its own
# containerd, etcd and registry with its own configuration, per node.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
