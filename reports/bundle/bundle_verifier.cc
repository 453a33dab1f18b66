#include "reports/bundle/bundle_verifier.h"

#include <algorithm>
#include <map>
#include <set>

#include "harness/core/bounded_file.h"
#include "harness/kube/base64.h"
#include "reports/bundle/bundle_writer.h"
#include "reports/bundle/dsse.h"
#include "reports/bundle/gzip_stream.h"
#include "reports/bundle/member_paths.h"
#include "reports/bundle/statement_shape.h"
#include "reports/bundle/tar_stream.h"

namespace ra2cert::bundle {
namespace {
using nlohmann::json;

// SHA256SUMS (a line per member), its signature and the attestation are read whole to be
// parsed; a real bundle's are kilobytes, so a larger one is hostile.
constexpr size_t kMaxParsedMemberBytes = size_t{16} << 20;

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
  const auto statement = json::parse(payload, nullptr, false);
  if (statement.is_discarded() || !statement.is_object()) {
    return AttestationError("the payload is not a JSON in-toto statement");
  }
  // The writer's one-line dump with sorted keys: anything else (duplicate keys, spacing,
  // reordering) is a payload ra2cert did not write.
  if (statement.dump() != payload) {
    return AttestationError(
        "the payload is not in the form ra2cert writes (compact JSON, "
        "sorted keys, no duplicates)");
  }
  if (auto shape = CheckStatementShape(statement); !shape) {
    return AttestationError(shape.error().message());
  }
  std::set<std::string> seen;
  for (const auto& subject : statement["subject"]) {
    const std::string subject_path = subject["name"].get<std::string>();
    std::string subject_name = "subject " + PrintableExcerpt(subject_path, 255);
    const auto entry = listed.find(subject_path);
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
  predicate = statement["predicate"];
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

bool IsParsedMember(const std::string& path) {
  return path == kSumsFile || path == kSignatureFile || path == kAttestationFile;
}

// One pass over the archive: each member is hashed as it streams by; only the few small
// members the verifier parses are kept.
struct ArchiveContents {
  std::map<std::string, std::string> digests;  // path -> sha256 hex
  std::map<std::string, std::string> parsed;   // SHA256SUMS, SHA256SUMS.sig, the attestation
};

Result<ArchiveContents> ReadContents(ByteSource& source, const ReadLimits& limits) {
  GzipReader gzip(source, {limits.max_archive_bytes, limits.max_total_bytes});
  TarStreamReader tar(gzip, limits);
  ArchiveContents contents;
  for (;;) {
    auto next = tar.Next();
    if (!next) return next.error();
    if (!*next) return contents;
    const TarMember& member = **next;
    const std::string name = PrintableExcerpt(member.path, 255);
    if (auto safe = CheckMemberPath(member.path); !safe) {
      return Error("member '" + name + "': refused: " + safe.error().message());
    }
    if (member.kind != EntryKind::kRegular) {
      return Error(name + ": refused: a " + member.kind_name +
                   (member.link_target.empty()
                        ? ""
                        : " to '" + PrintableExcerpt(member.link_target, 255) + "'") +
                   " (a bundle holds regular files only)");
    }
    if (contents.digests.contains(member.path)) {
      return Error(name + ": appears twice in the archive");
    }
    std::string* kept = nullptr;
    if (IsParsedMember(member.path)) {
      if (member.size > kMaxParsedMemberBytes) {
        return Error(name + ": " + std::to_string(member.size) + " bytes, more than the " +
                     std::to_string(kMaxParsedMemberBytes) + " the verifier parses");
      }
      kept = &contents.parsed[member.path];
    }
    Sha256Stream hash;
    auto read = tar.ReadData([&](std::string_view piece) {
      hash.Update(piece);
      if (kept != nullptr) kept->append(piece);
    });
    if (!read) return read.error();
    contents.digests[member.path] = hash.HexDigest();
  }
}

Status CheckSignatureFile(const std::string& sums, const std::string& signature_file,
                          const Key& public_key) {
  auto signature = DecodeBase64(signature_file);
  if (!signature || signature->empty()) {
    return Error(std::string(kSignatureFile) + ": not a base64 signature");
  }
  // One base64 line, as the writer puts it: no room for unsigned bytes.
  if (EncodeBase64(*signature) + "\n" != signature_file) {
    return Error(std::string(kSignatureFile) +
                 ": not the one base64 line ra2cert writes (extra bytes or spacing)");
  }
  if (auto verified = public_key.Verify(sums, *signature); !verified) {
    return Error(std::string(kSignatureFile) + ": " + verified.error().message() + " over " +
                 kSumsFile);
  }
  return Ok();
}

Result<json> CheckAttestation(const std::string& text,
                              const std::map<std::string, std::string>& listed,
                              const Key& public_key) {
  auto envelope = ParseEnvelope(text);
  if (!envelope) return envelope.error().Wrap(kAttestationFile);
  if (envelope->payload_type != kInTotoPayloadType) {
    return AttestationError("payloadType is '" + PrintableExcerpt(envelope->payload_type) +
                            "', not " + kInTotoPayloadType);
  }
  if (envelope->signatures.empty()) return AttestationError("the envelope is unsigned");
  if (envelope->signatures.size() > 1) {
    return AttestationError("the envelope carries " + std::to_string(envelope->signatures.size()) +
                            " signatures; ra2cert writes one");
  }
  const std::string pae = PreAuthEncoding(envelope->payload_type, envelope->payload);
  if (auto verified = public_key.Verify(pae, envelope->signatures.front()); !verified) {
    return AttestationError("no DSSE signature verifies with this key (" +
                            verified.error().message() + ")");
  }
  if (RenderEnvelope(*envelope) != text) {
    return AttestationError(
        "not the DSSE envelope ra2cert writes (extra fields, a key id, "
        "spacing or order differ)");
  }
  json predicate;
  if (auto checked = CheckStatement(envelope->payload, listed, predicate); !checked) {
    return checked.error();
  }
  return predicate;
}

Result<VerifiedBundle> VerifyOrThrow(ByteSource& source, const Key& public_key,
                                     const ReadLimits& limits) {
  auto contents = ReadContents(source, limits);
  if (!contents) return contents.error();
  const auto& digests = contents->digests;
  auto& parsed = contents->parsed;

  if (!parsed.contains(kSumsFile)) return Error(std::string(kSumsFile) + ": missing");
  const std::string& sums = parsed[kSumsFile];
  auto listed = ParseSums(sums);
  if (!listed) return listed.error();
  if (!parsed.contains(kSignatureFile)) {
    return Error(std::string(kSignatureFile) + ": missing: the bundle is unsigned");
  }
  if (auto signed_sums = CheckSignatureFile(sums, parsed[kSignatureFile], public_key);
      !signed_sums) {
    return signed_sums.error();
  }

  for (const auto& [path, digest] : digests) {
    if (path == kSumsFile || path == kSignatureFile) continue;
    if (!listed->contains(path)) return Error(path + ": not listed in SHA256SUMS");
  }
  for (const auto& [path, digest] : *listed) {
    const auto member = digests.find(path);
    if (member == digests.end()) return Error(path + ": listed in SHA256SUMS but missing");
    if (member->second != digest) {
      return Error(path + ": sha256 differs from SHA256SUMS (the file was changed)");
    }
  }

  if (!parsed.contains(kAttestationFile)) {
    return Error(std::string(kAttestationFile) + ": missing");
  }
  auto predicate = CheckAttestation(parsed[kAttestationFile], *listed, public_key);
  if (!predicate) return predicate.error();
  VerifiedBundle verified;
  verified.predicate = std::move(predicate).value();
  verified.algorithm = public_key.algorithm();
  for (const auto& [path, digest] : digests) verified.members.push_back(path);
  return verified;
}
}  // namespace

Result<VerifiedBundle> VerifyBundle(ByteSource& source, const Key& public_key,
                                    const ReadLimits& limits) {
  try {
    return VerifyOrThrow(source, public_key, limits);
  } catch (const json::exception& e) {
    return AttestationError(std::string("malformed statement: ") + e.what());
  }
}

Result<VerifiedBundle> VerifyBundle(std::string_view archive, const Key& public_key,
                                    const ReadLimits& limits) {
  MemorySource source(archive);
  return VerifyBundle(source, public_key, limits);
}

Result<VerifiedBundle> VerifyBundleFile(const std::string& path, const Key& public_key,
                                        const ReadLimits& limits) {
  auto source = FileSource::Open(path);
  if (!source) return source.error();
  if ((*source)->file_size() > limits.max_archive_bytes) {
    return Error(path + ": " + std::to_string((*source)->file_size()) + " bytes, more than the " +
                 std::to_string(limits.max_archive_bytes) + " the verifier reads");
  }
  return VerifyBundle(**source, public_key, limits);
}

Result<std::string> RenderVerified(const VerifiedBundle& bundle) {
  try {
    return RenderOrThrow(bundle);
  } catch (const json::exception& e) {
    // CheckStatementShape makes this unreachable; a bundle is never "verified" without it.
    return AttestationError(std::string("the predicate has an unexpected shape: ") + e.what());
  }
}

}  // namespace ra2cert::bundle
