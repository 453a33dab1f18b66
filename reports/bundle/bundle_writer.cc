#include "reports/bundle/bundle_writer.h"

#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>

#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/catalogue/catalogue_listing.h"
#include "harness/kube/base64.h"
#include "harness/plan/plan.h"
#include "reports/bundle/dsse.h"
#include "reports/bundle/member_paths.h"
#include "reports/bundle/redact.h"
#include "reports/bundle/tar_archive.h"
#include "reports/report_files.h"

namespace ra2cert::bundle {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Logs are cut to their last part past this size (the verifier refuses members over
// 256 MiB; no log needs to be that big to show what went wrong).
constexpr size_t kMaxLogBytes = size_t{64} << 20;
constexpr size_t kMaxComponentLogBytes = size_t{4} << 20;
constexpr size_t kMaxRecordBytes = size_t{128} << 20;

Result<std::string> ReadMember(const fs::path& path, size_t max_bytes, bool keep_tail) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return Error(path.string() + ": " + ec.message());
  if (size > max_bytes && !keep_tail) {
    return Error(path.string() + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string text = ReadFileTail(path.string(), max_bytes);
  if (text.size() != std::min<uintmax_t>(size, max_bytes)) {
    return Error(path.string() + ": cannot be read");
  }
  if (size > max_bytes) {
    text = "[ra2cert: log cut to its last " + std::to_string(max_bytes) + " of " +
           std::to_string(size) + " bytes]\n" + text;
  }
  return text;
}

// "attach-prod" from whatever the run called its cluster; never empty, never a path.
std::string FileNamePart(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) || c == '.' || c == '_' || c == '-' ? c : '-');
    if (out.size() >= 63) break;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == '-')) out.erase(0, 1);
  return out.empty() ? "cluster" : out;
}

// "2026-11-28T00:51:02Z" -> seconds since the epoch and "20261128T005102Z".
Result<std::pair<int64_t, std::string>> StartTime(const json& results) {
  const auto started = results.find("started");
  if (started == results.end() || !started->is_string()) {
    return Error("results.json: 'started' is missing");
  }
  const std::string text = started->get<std::string>();
  std::tm utc{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (end == nullptr || std::string_view(end) != "Z") {
    return Error("results.json: 'started' is not a UTC time: '" + text + "'");
  }
  char compact[32];
  std::strftime(compact, sizeof compact, "%Y%m%dT%H%M%SZ", &utc);
  return std::make_pair(static_cast<int64_t>(timegm(&utc)), std::string(compact));
}

json Predicate(const json& results, const json& harness, const json* declarations) {
  json requirements = json::array();
  for (const auto& r : results.value("requirements", json::array())) {
    requirements.push_back({{"id", r.value("id", "")},
                            {"kind", r.value("kind", "")},
                            {"status", r.value("status", "")},
                            {"cases", r.value("cases", json::array())}});
  }
  json declared = json::array();
  if (declarations != nullptr) {
    for (const auto& d : declarations->value("declarations", json::array())) {
      declared.push_back({{"requirement", d.value("requirement", "")},
                          {"status", "declared"},
                          {"statement", d.value("statement", "")}});
    }
  }
  return {{"harness", harness},
          {"run",
           {{"environment", results.value("environment", "")},
            {"started", results.value("started", "")},
            {"finished", results.value("finished", json())},
            {"complete", results.value("complete", false)},
            {"interrupted", results.value("interrupted", false)},
            {"selection", results.value("selection", json::object())},
            {"counts", results.value("counts", json::object())}}},
          {"verdict", results.value("verdict", json::object())},
          {"requirements", requirements},
          {"declarations", declared}};
}

Result<json> ParseJsonMember(const std::string& name, const std::string& text) {
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return Error(name + ": not a JSON object");
  return parsed;
}

}  // namespace

Status WriteRunRecord(const std::string& output_dir, const RunRecord& record) {
  std::error_code ec;
  fs::create_directories(output_dir, ec);
  const fs::path dir(output_dir);
  auto write = [&](const char* name, const json& value) {
    return WriteFileAtomically((dir / name).string(),
                               value.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  };
  for (const auto& status :
       {write("cluster-facts.json", record.cluster_facts), write("config.json", record.config),
        write("harness.json", record.harness)}) {
    if (!status) return status;
  }
  if (record.declarations) return write("declarations.json", *record.declarations);
  fs::remove(dir / "declarations.json", ec);
  if (ec) return Error((dir / "declarations.json").string() + ": " + ec.message());
  return Ok();
}

Result<json> HarnessFacts(const std::string& version) {
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return catalogue.error();
  auto listed = SelectCases(*catalogue, Selection{});
  if (!listed) return listed.error();
  auto listing = RenderCatalogue(*listed, "yaml");
  if (!listing) return listing.error();
  return json{{"name", "ra2cert"},
              {"version", version},
              {"catalogue_sha256", Sha256Hex(*listing)},
              {"catalogue_listing", "ra2cert list --output yaml"}};
}

std::string RenderSums(const std::vector<std::pair<std::string, std::string>>& sorted_digests) {
  std::string out;
  for (const auto& [path, digest] : sorted_digests)
    out.append(digest).append("  ").append(path) += '\n';
  return out;
}

namespace {
Result<Bundle> BuildBundleOrThrow(const BundleOptions& options) {
  Redactor redactor;
  redactor.AddSecrets(options.secrets);
  const fs::path dir(options.output_dir);
  std::map<std::string, std::string> members;  // path -> redacted content, sorted

  auto add = [&](const std::string& name, bool required, size_t max_bytes,
                 bool keep_tail) -> Status {
    const fs::path path = dir / name;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      if (!required) return Ok();
      return Error(path.string() + ": missing (ra2cert run writes it)");
    }
    auto text = ReadMember(path, max_bytes, keep_tail);
    if (!text) return text.error();
    members[name] = redactor.Redact(*text);
    return Ok();
  };
  for (const char* name :
       {"results.json", "junit.xml", "cluster-facts.json", "config.json", "harness.json"}) {
    if (auto added = add(name, true, kMaxRecordBytes, false); !added) return added.error();
  }
  for (const char* name : {"report.html", "declarations.json"}) {
    if (auto added = add(name, false, kMaxRecordBytes, false); !added) return added.error();
  }
  auto results = ParseJsonMember("results.json", members["results.json"]);
  if (!results) return results.error();
  if (results->value("schema", "") != "ra2cert.results/v1") {
    return Error("results.json: not a ra2cert results file (schema ra2cert.results/v1)");
  }
  for (const auto& c : results->value("cases", json::array())) {
    const std::string log = c.value("log", "");
    if (log.empty()) continue;
    if (log.rfind("logs/", 0) != 0 || !CheckMemberPath(log)) {
      return Error("results.json: case " + c.value("id", "?") + " names an unsafe log path '" +
                   log + "'");
    }
    if (auto added = add(log, false, kMaxLogBytes, true); !added) return added.error();
  }
  // The local cluster's component logs (`run --local` copies them here): the tail of each,
  // which is where a failure's cause is. The API audit log stays out: it is large and
  // records every request.
  std::vector<std::string> component_logs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "cluster-logs", ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && !entry.is_symlink(ec) && name.ends_with(".log") &&
        !name.ends_with("-audit.log") && CheckMemberPath("cluster-logs/" + name)) {
      component_logs.push_back("cluster-logs/" + name);
    }
  }
  for (const auto& log : component_logs) {
    if (auto added = add(log, false, kMaxComponentLogBytes, true); !added) return added.error();
  }
  auto harness = ParseJsonMember("harness.json", members["harness.json"]);
  if (!harness) return harness.error();
  auto facts = ParseJsonMember("cluster-facts.json", members["cluster-facts.json"]);
  if (!facts) return facts.error();
  std::optional<json> declarations;
  if (members.contains("declarations.json")) {
    auto parsed = ParseJsonMember("declarations.json", members["declarations.json"]);
    if (!parsed) return parsed.error();
    declarations = std::move(parsed).value();
  }
  auto start = StartTime(*results);
  if (!start) return start.error();

  // The statement's subjects are every file so far; SHA256SUMS then also covers the
  // attestation itself.
  json subjects = json::array();
  for (const auto& [name, content] : members) {
    subjects.push_back({{"name", name}, {"digest", {{"sha256", Sha256Hex(content)}}}});
  }
  const json statement = {
      {"_type", kStatementType},
      {"subject", subjects},
      {"predicateType", kPredicateType},
      {"predicate", Predicate(*results, *harness, declarations ? &*declarations : nullptr)}};
  Envelope envelope;
  envelope.payload_type = kInTotoPayloadType;
  envelope.payload = statement.dump(-1, ' ', false, json::error_handler_t::replace);
  if (options.signer != nullptr) {
    auto signature = options.signer->Sign(PreAuthEncoding(envelope.payload_type, envelope.payload),
                                          kAttestationFile);
    if (!signature) return signature.error();
    envelope.signatures.push_back(std::move(signature).value());
  }
  members[kAttestationFile] = RenderEnvelope(envelope);

  std::vector<std::pair<std::string, std::string>> digests;
  digests.reserve(members.size());
  for (const auto& [name, content] : members) digests.emplace_back(name, Sha256Hex(content));
  const std::string sums = RenderSums(digests);
  Bundle bundle;
  if (options.signer != nullptr) {
    auto signature = options.signer->Sign(sums, kSumsFile);
    if (!signature) return signature.error();
    members[kSignatureFile] = EncodeBase64(*signature) + "\n";
    bundle.is_signed = true;
  }
  members[kSumsFile] = sums;

  std::vector<TarEntry> entries;
  for (auto& [name, content] : members) {
    bundle.members.push_back(name);
    entries.push_back({name, std::move(content)});
  }
  auto archive = WriteTarGz(entries, start->first);
  if (!archive) return archive.error();
  bundle.archive = std::move(archive).value();
  bundle.file_name =
      "ra2cert-" + FileNamePart(facts->value("cluster", "")) + "-" + start->second + ".tar.gz";
  return bundle;
}
}  // namespace

Result<Bundle> BuildBundle(const BundleOptions& options) {
  try {
    return BuildBundleOrThrow(options);
  } catch (const json::exception& e) {
    return Error(options.output_dir + ": a record file has an unexpected shape: " + e.what());
  }
}

Result<std::string> WriteBundle(const BundleOptions& options, Bundle* built) {
  auto bundle = BuildBundle(options);
  if (!bundle) return bundle.error();
  const std::string path = (fs::path(options.output_dir) / bundle->file_name).string();
  if (auto written = WriteFileAtomically(path, bundle->archive); !written) return written.error();
  if (built != nullptr) *built = std::move(bundle).value();
  return path;
}

}  // namespace ra2cert::bundle
