// The certification bundle: one reproducible tar.gz of a run's output directory,
// ra2cert-<cluster>-<UTC start time>.tar.gz, holding
//   junit.xml, results.json, report.html (when written), logs/<case>.log,
//   cluster-facts.json, config.json, harness.json, declarations.json (with --declarations),
//   attestation.intoto.json  DSSE envelope over an in-toto Statement v1: subjects = every
//                            file above, predicate = run summary and verdicts,
//   SHA256SUMS               GNU sha256sum lines over every file above, sorted by path,
//   SHA256SUMS.sig           base64 of the signature over SHA256SUMS (signed bundles only).
// Every member passes the Redactor first. Entries are sorted, mtime is the run's start
// time, owner 0:0, gzip carries no timestamp: an Ed25519-signed bundle of the same results
// is byte-identical (ECDSA signatures are randomised).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "reports/bundle/crypto.h"

namespace ra2cert::bundle {

inline constexpr char kSumsFile[] = "SHA256SUMS";
inline constexpr char kSignatureFile[] = "SHA256SUMS.sig";
inline constexpr char kAttestationFile[] = "attestation.intoto.json";

// What a run writes next to junit.xml and results.json so that its output directory
// alone makes the bundle (`ra2cert bundle DIR` can remake it later).
struct RunRecord {
  nlohmann::json cluster_facts;  // cluster-facts.json; its "cluster" names the bundle file
  nlohmann::json config;         // config.json: the effective configuration
  nlohmann::json harness;        // harness.json: see HarnessFacts()
  std::optional<nlohmann::json> declarations;  // declarations.json; a stale one is removed
};
Status WriteRunRecord(const std::string& output_dir, const RunRecord& record);

// {"name": "ra2cert", "version", "catalogue_sha256"}: the digest is the SHA-256 of what
// `ra2cert list --output yaml` prints (suites/catalogue.golden.yaml for this release).
Result<nlohmann::json> HarnessFacts(const std::string& version);

struct BundleOptions {
  std::string output_dir;
  Signer* signer = nullptr;          // null: an unsigned bundle (no SHA256SUMS.sig)
  std::vector<std::string> secrets;  // exact values to redact, e.g. KubeconfigSecrets()
};

struct Bundle {
  std::string file_name;  // ra2cert-<cluster>-<YYYYMMDDTHHMMSSZ>.tar.gz
  std::string archive;
  std::vector<std::string> members;  // sorted
  bool is_signed = false;
};

// Errors name the file at fault (a missing results.json, a signer that failed ...).
Result<Bundle> BuildBundle(const BundleOptions& options);
// Builds the bundle and writes it into the output directory; returns its path.
Result<std::string> WriteBundle(const BundleOptions& options, Bundle* built = nullptr);

// "<sha256 hex>  <path>\n" lines (GNU sha256sum text mode), in the order given.
std::string RenderSums(const std::vector<std::pair<std::string, std::string>>& sorted_digests);

}  // namespace ra2cert::bundle
