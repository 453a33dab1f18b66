// Fuzz target: a certification bundle received from a party ra2cert does not trust.
// `ra2cert verify` must reject every input that is not what the key's holder signed, with
// a readable reason, in bounded time and memory. The seed corpus holds a bundle signed by
// a test-only key (tests/corpus/bundle-signing/); a mutation may verify only when the
// members it yields are exactly the signed ones (a gzip header byte the signature does
// not cover may change; the content may not). Inputs starting with '{' also go through
// the DSSE envelope parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "harness/core/bounded_file.h"
#include "reports/bundle/bundle_verifier.h"
#include "reports/bundle/dsse.h"
#include "reports/bundle/tar_archive.h"
#include "tests/fuzz/fuzz_checks.h"

namespace {

using ra2cert::bundle::Key;
using ra2cert::bundle::TarEntry;

const std::string kSigningDir = RA2CERT_SOURCE_DIR "/tests/corpus/bundle-signing";

const Key& TestKey() {
  static const Key key = [] {
    auto loaded = Key::LoadPublicFile(kSigningDir + "/test-key.pub");
    if (!loaded) ra2cert::fuzz::Finding("cannot load the test key", loaded.error().message());
    return *loaded;
  }();
  return key;
}

const std::vector<TarEntry>& SignedMembers() {
  static const std::vector<TarEntry> members = [] {
    auto archive = ra2cert::ReadBoundedFile(kSigningDir + "/signed.tar.gz", 1u << 20, "seed");
    if (!archive) ra2cert::fuzz::Finding("cannot read the seed", archive.error().message());
    auto entries = ra2cert::bundle::ReadTarGz(*archive);
    if (!entries) ra2cert::fuzz::Finding("the seed is unreadable", entries.error().message());
    return *entries;
  }();
  return members;
}

bool SameMembers(const std::vector<TarEntry>& a, const std::vector<TarEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].path != b[i].path || a[i].data != b[i].data || a[i].kind != b[i].kind) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input.front() == '{') {
    auto envelope = ra2cert::bundle::ParseEnvelope(input);
    if (!envelope) ra2cert::fuzz::CheckReadableError(envelope.error().message());
    return 0;
  }
  auto verified = ra2cert::bundle::VerifyBundle(input, TestKey());
  if (!verified) {
    ra2cert::fuzz::CheckReadableError(verified.error().message());
    return 0;
  }
  auto entries = ra2cert::bundle::ReadTarGz(input);
  if (!entries || !SameMembers(*entries, SignedMembers()))
    ra2cert::fuzz::Finding("a bundle that differs from the signed one verified", "");
  return 0;
}
