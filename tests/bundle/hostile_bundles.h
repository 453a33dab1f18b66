// Hostile bundles: each made from a valid bundle that the real writer (bundle_writer.h)
// wrote, then corrupted one way, with the reason `ra2cert verify` must give. They are
// written to tests/corpus/bundle/ as seeds for the bundle fuzzer; the keys are fixed
// Ed25519 test keys so the same bytes come out every time.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "reports/bundle/crypto.h"

namespace ra2cert::bundle::test {

// The key the corpus is signed with (its public half is tests/corpus/bundle.pub), and
// another one for "signed by someone else".
Key CorpusKey();
Key OtherKey();

// A small signed bundle as `ra2cert run` would write it, built in `scratch`.
std::string ValidBundle(const std::filesystem::path& scratch);

struct HostileBundle {
  std::string file;    // its corpus name, "trailing-garbage.tar.gz"
  std::string reason;  // what verify prints after "FAILED: " (a prefix of the message)
  std::function<std::string(const std::string& valid)> make;
};
std::vector<HostileBundle> HostileBundles();

}  // namespace ra2cert::bundle::test
