// `ra2cert verify`: checks a bundle offline against the signer's public key. The bundle
// must be byte for byte what ra2cert writes: one gzip member with a matching trailer and
// nothing after it, ustar headers only, the end-of-archive marker followed by zeros only
// (gzip_stream.h, tar_stream.h). Members stream through SHA-256, so memory stays bounded
// whatever their size. Refuses unsafe entries (absolute paths, "..", links, devices),
// duplicates, any file SHA256SUMS does not list, any listed file that is missing, any
// digest mismatch, a signature over SHA256SUMS or over the DSSE envelope that does not
// verify, and an attestation whose statement is not exactly the shape ra2cert writes or
// whose subjects differ from SHA256SUMS. Every error names the member at fault.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"
#include "reports/bundle/byte_source.h"
#include "reports/bundle/crypto.h"
#include "reports/bundle/tar_archive.h"

namespace ra2cert::bundle {

struct VerifiedBundle {
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256;
  std::vector<std::string> members;  // as listed in SHA256SUMS, plus SHA256SUMS(.sig)
  nlohmann::json predicate;          // from the verified attestation
};

Result<VerifiedBundle> VerifyBundle(ByteSource& source, const Key& public_key,
                                    const ReadLimits& limits = {});
Result<VerifiedBundle> VerifyBundle(std::string_view archive, const Key& public_key,
                                    const ReadLimits& limits = {});
Result<VerifiedBundle> VerifyBundleFile(const std::string& path, const Key& public_key,
                                        const ReadLimits& limits = {});

// What `ra2cert verify` prints on success: the profile verdict, the requirement counts and
// the vendor declarations (as declared, never verified).
Result<std::string> RenderVerified(const VerifiedBundle& bundle);

}  // namespace ra2cert::bundle
