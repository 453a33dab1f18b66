#include "reports/bundle/bundle_verifier.h"

#include <algorithm>
#include <map>
#include <set>

#include "harness/kube/base64.h"
#include "reports/bundle/bundle_writer.h"
#include "reports/bundle/dsse.h"
#include "reports/bundle/member_paths.h"

namespace ra2cert::bundle {
namespace {
using nlohmann::json;

// "SHA256SUMS: line N: <problem>"; also keeps string building out of the loops below.
Error SumsLineError(size_t line, const std::string& problem) {
  return Error(std::string(kSumsFile) + ": line " + std::to_string(line) + ": " + problem);
}

Error AttestationError(const std::string& problem) {
  return Error(std::string(kAttestationFile) + ": " + problem);
}

bool IsLowerHex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Strict GNU format: "<64 lowercase hex>  <path>\n" per line, sorted, no duplicates.
Result<std::map<std::string, std::string>> ParseSums(const std::string& text) {
  std::map<std::string, std::string> digests;
  if (text.empty()) return Error(std::string(kSumsFile) + ": empty");
  if (text.back() != '\n') return Error(std::string(kSumsFile) + ": the last line has no newline");
  std::string previous;
  size_t line_number = 0;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0 || !IsLowerHex(line.substr(0, 64))) {
      return SumsLineError(line_number, "not '<sha256 hex>  <path>'");
    }
    std::string path = line.substr(66);
    if (auto safe = CheckMemberPath(path); !safe) {
      return SumsLineError(line_number, path.append(": ").append(safe.error().message()));
    }
    if (path == kSumsFile || path == kSignatureFile) {
      return SumsLineError(line_number, "lists " + path.append(", which it cannot cover"));
    }
    if (!previous.empty() && path <= previous) {
      return SumsLineError(line_number, path.append(" is out of order or listed twice"));
    }
    previous = path;
    digests[path] = line.substr(0, 64);
  }
  return digests;
}

Status CheckStatement(const std::string& payload, const std::map<std::string, std::string>& listed,
                      json& predicate) {
  const std::string name = kAttestationFile;
  const auto statement = json::parse(payload, nullptr, false);
  if (statement.is_discarded() || !statement.is_object()) {
    return Error(name + ": the payload is not a JSON in-toto statement");
  }
  if (statement.value("_type", "") != kStatementType) {
    return Error(name + ": _type is not " + std::string(kStatementType));
  }
  if (statement.value("predicateType", "") != kPredicateType) {
    return Error(name + ": unknown predicateType '" + statement.value("predicateType", "") + "'");
  }
  const auto subjects = statement.find("subject");
  if (subjects == statement.end() || !subjects->is_array()) {
    return Error(name + ": the statement has no subject list");
  }
  std::set<std::string> seen;
  for (const auto& subject : *subjects) {
    if (!subject.is_object() || !subject.contains("name") || !subject["name"].is_string() ||
        !subject.contains("digest") || !subject["digest"].is_object() ||
        !subject["digest"].contains("sha256") || !subject["digest"]["sha256"].is_string()) {
      return Error(name + ": a subject lacks a name or a sha256 digest");
    }
    std::string subject_name = "subject " + subject["name"].get<std::string>();
    const auto entry = listed.find(subject["name"].get<std::string>());
    if (entry == listed.end() || entry->first == kAttestationFile) {
      return AttestationError(subject_name.append(" is not a file of the bundle"));
    }
    if (subject["digest"]["sha256"].get<std::string>() != entry->second) {
      return AttestationError(subject_name.append(": its digest differs from SHA256SUMS"));
    }
    if (!seen.insert(entry->first).second) {
      return AttestationError(subject_name.append(" appears twice"));
    }
  }
  for (const auto& [path, digest] : listed) {
    if (path != kAttestationFile && !seen.contains(path)) {
      return AttestationError(std::string(path).append(" is not among the statement's subjects"));
    }
  }
  const auto found = statement.find("predicate");
  if (found == statement.end() || !found->is_object()) {
    return Error(name + ": the statement has no predicate");
  }
  predicate = *found;
  return Ok();
}

std::string Text(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) return "?";
  return found->is_string() ? found->get<std::string>() : found->dump();
}

std::string RenderOrThrow(const VerifiedBundle& bundle) {
  const json& p = bundle.predicate;
  const json harness = p.value("harness", json::object());
  const json run = p.value("run", json::object());
  const json verdict = p.value("verdict", json::object());
  std::map<std::string, int> statuses;
  for (const auto& r : p.value("requirements", json::array())) {
    ++statuses[r.is_object() ? r.value("status", "?") : "?"];
  }
  std::string out;
  out += "signature     " + std::string(KeyAlgorithmName(bundle.algorithm)) +
         " over SHA256SUMS and the DSSE attestation: OK (" + std::to_string(bundle.members.size()) +
         " files)\n";
  out += "harness       ra2cert " + Text(harness, "version") + ", catalogue sha256 " +
         Text(harness, "catalogue_sha256") + "\n";
  out += "environment   " + Text(run, "environment") + "\n";
  out += "run           started " + Text(run, "started") + ", finished " + Text(run, "finished") +
         (run.value("interrupted", false) ? ", interrupted" : "") + "\n";
  out +=
      "profile       " + Text(verdict, "profile") + ": " + Text(verdict, "verdict") + " (" +
      Text(verdict, "executed_cases") +
      " cases executed; must requirements: " + Text(verdict, "must_verified_pass") +
      " verified-pass, " + Text(verdict, "must_verified_fail") + " verified-fail, " +
      Text(verdict, "must_not_verified") + " not-verified, " +
      (verdict.contains("must_not_covered") ? Text(verdict, "must_not_covered") + " not-covered, "
                                            : std::string()) +
      Text(verdict, "must_not_applicable") + " not-applicable of " + Text(verdict, "must_total") +
      ")\n";
  // Bundles from before the blocking list have none; the counts above still stand.
  for (const auto& reason : verdict.value("run_blockers", json::array())) {
    if (reason.is_string()) out += "blocking      " + reason.get<std::string>() + "\n";
  }
  // Failures come first in the list; a screenful is enough here, results.json has the rest.
  json blocking = verdict.value("blocking", json::array());
  if (!blocking.is_array()) blocking = json::array();
  const size_t shown = std::min<size_t>(blocking.size(), 20);
  for (size_t i = 0; i < shown; ++i) {
    const json& b = blocking[i];
    if (!b.is_object()) continue;
    out += "blocking      " + Text(b, "id") + " " + Text(b, "status") + ": " + Text(b, "reason") +
           "\n";
  }
  if (blocking.size() > shown) {
    out += "blocking      ... and " + std::to_string(blocking.size() - shown) +
           " more must requirements (results.json lists them all)\n";
  }
  std::string counts;
  for (const auto& [status, count] : statuses) {
    counts += (counts.empty() ? "" : ", ") + status + " " + std::to_string(count);
  }
  out += "requirements  " + (counts.empty() ? "none" : counts) + "\n";
  for (const auto& d : p.value("declarations", json::array())) {
    if (!d.is_object()) continue;
    out += "declared      " + d.value("requirement", "?") +
           ": declared by the vendor, not verified: " + d.value("statement", "") + "\n";
  }
  return out;
}

Result<VerifiedBundle> VerifyOrThrow(std::string_view archive, const Key& public_key,
                                     const ReadLimits& limits) {
  auto entries = ReadTarGz(archive, limits);
  if (!entries) return entries.error();
  std::map<std::string, std::string> files;
  for (auto& entry : *entries) {
    if (auto safe = CheckMemberPath(entry.path); !safe) {
      return Error("member '" + entry.path + "': refused: " + safe.error().message());
    }
    if (entry.kind != EntryKind::kRegular) {
      return Error(entry.path + ": refused: a " + EntryKindName(entry.kind) +
                   (entry.link_target.empty() ? "" : " to '" + entry.link_target + "'") +
                   " (a bundle holds regular files only)");
    }
    if (files.contains(entry.path)) return Error(entry.path + ": appears twice in the archive");
    files[entry.path] = std::move(entry.data);
  }

  const auto sums = files.find(kSumsFile);
  if (sums == files.end()) return Error(std::string(kSumsFile) + ": missing");
  auto listed = ParseSums(sums->second);
  if (!listed) return listed.error();
  const auto signature_file = files.find(kSignatureFile);
  if (signature_file == files.end()) {
    return Error(std::string(kSignatureFile) + ": missing: the bundle is unsigned");
  }
  auto signature = DecodeBase64(signature_file->second);
  if (!signature || signature->empty()) {
    return Error(std::string(kSignatureFile) + ": not a base64 signature");
  }
  if (auto verified = public_key.Verify(sums->second, *signature); !verified) {
    return Error(std::string(kSignatureFile) + ": " + verified.error().message() + " over " +
                 kSumsFile);
  }

  for (const auto& [path, data] : files) {
    if (path == kSumsFile || path == kSignatureFile) continue;
    if (!listed->contains(path)) return Error(path + ": not listed in SHA256SUMS");
  }
  for (const auto& [path, digest] : *listed) {
    const auto file = files.find(path);
    if (file == files.end()) return Error(path + ": listed in SHA256SUMS but missing");
    if (Sha256Hex(file->second) != digest) {
      return Error(path + ": sha256 differs from SHA256SUMS (the file was changed)");
    }
  }

  const auto attestation = files.find(kAttestationFile);
  if (attestation == files.end()) return Error(std::string(kAttestationFile) + ": missing");
  auto envelope = ParseEnvelope(attestation->second);
  if (!envelope) return envelope.error().Wrap(kAttestationFile);
  if (envelope->payload_type != kInTotoPayloadType) {
    return Error(std::string(kAttestationFile) + ": payloadType is '" + envelope->payload_type +
                 "', not " + kInTotoPayloadType);
  }
  const std::string pae = PreAuthEncoding(envelope->payload_type, envelope->payload);
  bool envelope_verified = false;
  for (const auto& sig : envelope->signatures) {
    envelope_verified = envelope_verified || public_key.Verify(pae, sig).ok();
  }
  if (!envelope_verified) {
    return Error(std::string(kAttestationFile) + ": " +
                 (envelope->signatures.empty() ? "the envelope is unsigned"
                                               : "no DSSE signature verifies with this key"));
  }
  VerifiedBundle verified;
  if (auto checked = CheckStatement(envelope->payload, *listed, verified.predicate); !checked) {
    return checked.error();
  }
  verified.algorithm = public_key.algorithm();
  for (const auto& [path, data] : files) verified.members.push_back(path);
  return verified;
}
}  // namespace

Result<VerifiedBundle> VerifyBundle(std::string_view archive, const Key& public_key,
                                    const ReadLimits& limits) {
  try {
    return VerifyOrThrow(archive, public_key, limits);
  } catch (const json::exception& e) {
    return Error(std::string(kAttestationFile) + ": malformed statement: " + e.what());
  }
}

Result<VerifiedBundle> VerifyBundleFile(const std::string& path, const Key& public_key,
                                        const ReadLimits& limits) {
  auto bytes = ReadArchiveFile(path, limits);
  if (!bytes) return bytes.error();
  return VerifyBundle(*bytes, public_key, limits);
}

std::string RenderVerified(const VerifiedBundle& bundle) {
  try {
    return RenderOrThrow(bundle);
  } catch (const json::exception&) {
    return "signature     OK; the attestation's predicate has an unexpected shape\n";
  }
}

}  // namespace ra2cert::bundle
