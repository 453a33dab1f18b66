// `ra2cert verify`: checks a bundle offline against the signer's public key. Refuses
// unsafe entries (absolute paths, "..", links, devices), any file SHA256SUMS does not list,
// any listed file that is missing, any digest mismatch, a signature over SHA256SUMS or
// over the DSSE envelope that does not verify, and an attestation whose subjects differ
// from SHA256SUMS. Every error names the member at fault.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"
#include "reports/bundle/crypto.h"
#include "reports/bundle/tar_archive.h"

namespace ra2cert::bundle {

struct VerifiedBundle {
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsaP256;
  std::vector<std::string> members;  // as listed in SHA256SUMS, plus SHA256SUMS(.sig)
  nlohmann::json predicate;          // from the verified attestation
};

Result<VerifiedBundle> VerifyBundle(std::string_view archive, const Key& public_key,
                                    const ReadLimits& limits = {});
Result<VerifiedBundle> VerifyBundleFile(const std::string& path, const Key& public_key,
                                        const ReadLimits& limits = {});

// What `ra2cert verify` prints on success: the profile verdict, the requirement counts and
// the vendor declarations (as declared, never verified).
std::string RenderVerified(const VerifiedBundle& bundle);

}  // namespace ra2cert::bundle
