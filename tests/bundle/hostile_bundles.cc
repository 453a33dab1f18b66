#include "tests/bundle/hostile_bundles.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/kube/base64.h"
#include "reports/bundle/bundle_test_util.h"
#include "reports/bundle/bundle_writer.h"
#include "reports/bundle/dsse.h"
#include "reports/bundle/tar_archive.h"

namespace ra2cert::bundle::test {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// An Ed25519 PKCS#8 key is a fixed DER prefix and the 32-byte seed.
Key SeededKey(char fill) {
  const std::string der = std::string(
                              "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22"
                              "\x04\x20",
                              16) +
                          std::string(32, fill);
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n" + EncodeBase64(der) + "\n-----END PRIVATE KEY-----\n";
  return *Key::FromPrivatePem(pem, "test key");
}

using Entries = std::vector<TarEntry>;
using Mutation = std::function<void(Entries&)>;

std::string& Member(Entries& entries, const std::string& path) {
  for (auto& e : entries) {
    if (e.path == path) return e.data;
  }
  entries.push_back({path, ""});
  return entries.back().data;
}

// SHA256SUMS over every other member, signed with `key`.
void Resum(Entries& entries, const Key& key) {
  std::map<std::string, std::string> digests;
  for (const auto& e : entries) {
    if (e.path != kSumsFile && e.path != kSignatureFile) digests[e.path] = Sha256Hex(e.data);
  }
  std::string sums;
  for (const auto& [path, digest] : digests) sums += digest + "  " + path + "\n";
  Member(entries, kSumsFile) = sums;
  Member(entries, kSignatureFile) = EncodeBase64(*key.Sign(sums)) + "\n";
}

// The attestation with its statement changed and signed again by `key`, SHA256SUMS
// brought along and signed by the corpus key: only the intended fault remains.
Mutation Restate(const std::function<void(json&)>& change, const Key& key = CorpusKey(),
                 int indent = -1) {
  return [=](Entries& entries) {
    std::string& attestation = Member(entries, kAttestationFile);
    auto envelope = ParseEnvelope(attestation);
    json statement = json::parse(envelope->payload);
    change(statement);
    envelope->payload = statement.dump(indent);
    envelope->signatures = {*key.Sign(PreAuthEncoding(envelope->payload_type, envelope->payload))};
    attestation = RenderEnvelope(*envelope);
    Resum(entries, CorpusKey());
  };
}

// The bundle's members changed, then packed again by the writer's own tar.gz code.
std::function<std::string(const std::string&)> Repack(const Mutation& change) {
  return [=](const std::string& valid) {
    auto entries = ReadTarGz(valid);
    change(*entries);
    return *WriteTarGz(*entries, 1764291062);
  };
}

// The inflated tar stream changed, then compressed again as one clean gzip member.
std::function<std::string(const std::string&)> Retar(
    const std::function<void(std::string&)>& change) {
  return [=](const std::string& valid) {
    std::string tar = Gunzip(valid);
    change(tar);
    return Gzip(tar);
  };
}

std::function<std::string(const std::string&)> Regzip(
    const std::function<void(std::string&)>& change) {
  return [=](const std::string& valid) {
    std::string gzip = valid;
    change(gzip);
    return gzip;
  };
}

Mutation Add(const TarEntry& entry) {
  return [=](Entries& entries) { entries.push_back(entry); };
}
Mutation Remove(const std::string& path) {
  return [=](Entries& entries) {
    std::erase_if(entries, [&](const TarEntry& e) { return e.path == path; });
  };
}

// An extra file hidden after the end-of-archive blocks (tar -i would unpack it).
void AppendMemberAfterEnd(std::string& tar) {
  const std::string extra = Gunzip(*WriteTarGz({{"logs/hidden.log", "unsigned\n"}}, 0));
  const size_t end = EndOfArchive(tar) + 1024;
  tar = tar.substr(0, end) + extra;
}

}  // namespace

Key CorpusKey() { return SeededKey('\x11'); }
Key OtherKey() { return SeededKey('\x22'); }

std::string ValidBundle(const fs::path& scratch) {
  fs::remove_all(scratch);
  fs::create_directories(scratch / "logs");
  const json results = {
      {"schema", "ra2cert.results/v1"},
      {"environment", "attach"},
      {"started", "2026-11-28T00:51:02Z"},
      {"finished", "2026-11-28T00:52:00Z"},
      {"complete", true},
      {"interrupted", false},
      {"selection", {{"profile", "basic"}}},
      {"counts", {{"Passed", 1}, {"Failed", 1}}},
      {"verdict",
       {{"profile", "basic"},
        {"verdict", "not-conformant"},
        {"executed_cases", 2},
        {"must_total", 2},
        {"must_verified_pass", 1},
        {"must_verified_fail", 1},
        {"must_not_verified", 0},
        {"must_not_applicable", 0},
        {"must_not_covered", 0},
        {"blocking",
         {{{"id", "ra2.os.002"}, {"status", "verified-fail"}, {"reason", "4.2.002 failed"}}}},
        {"run_blockers", json::array()}}},
      {"cases",
       {{{"id", "4.2.001"}, {"outcome", "Passed"}, {"log", "logs/4.2.001.log"}},
        {{"id", "4.2.002"}, {"outcome", "Failed"}, {"log", "logs/4.2.002.log"}}}},
      {"requirements",
       {{{"id", "ra2.os.001"},
         {"kind", "must"},
         {"status", "verified-pass"},
         {"cases", {"4.2.001"}}},
        {{"id", "ra2.os.002"},
         {"kind", "must"},
         {"status", "verified-fail"},
         {"cases", {"4.2.002"}}}}}};
  std::ofstream(scratch / "results.json") << results.dump(2);
  std::ofstream(scratch / "junit.xml") << "<testsuites tests=\"2\" failures=\"1\"/>\n";
  std::ofstream(scratch / "logs" / "4.2.001.log") << "passed\n";
  std::ofstream(scratch / "logs" / "4.2.002.log") << "kernel 5.10 is older than 5.15\n";
  RunRecord record;
  record.cluster_facts = {{"cluster", "corpus"}, {"environment", "attach"}};
  record.config = {{"parallel", 1}};
  record.harness = {{"name", "ra2cert"},
                    {"version", "0.1.0"},
                    {"catalogue_sha256", std::string(64, 'a')},
                    {"catalogue_listing", "ra2cert list --output yaml"}};
  record.declarations = json{
      {"declarations",
       {{{"requirement", "ra2.ch.008"}, {"status", "declared"}, {"statement", "two sockets"}}}}};
  if (!WriteRunRecord(scratch.string(), record)) return "";
  auto signer = MakeKeySigner(CorpusKey(), "corpus.key");
  return BuildBundle({scratch.string(), signer.get(), {}})->archive;
}

std::vector<HostileBundle> HostileBundles() {
  const auto sums_line = [](Entries& entries, const std::function<void(std::string&)>& change) {
    std::string sums = Member(entries, kSumsFile);
    change(sums);
    Member(entries, kSumsFile) = sums;
    Member(entries, kSignatureFile) = EncodeBase64(*CorpusKey().Sign(sums)) + "\n";
  };
  return {
      // The gzip layer.
      {"gzip-bad-crc.tar.gz", "gzip layer: the trailer's CRC32",
       Regzip([](std::string& g) { g[g.size() - 8] ^= 0x01; })},
      {"gzip-bad-isize.tar.gz", "gzip layer: the trailer's size (ISIZE)",
       Regzip([](std::string& g) { g[g.size() - 1] ^= 0x01; })},
      {"gzip-truncated-trailer.tar.gz", "gzip layer: the trailer (CRC32 and size) is truncated",
       Regzip([](std::string& g) { g.resize(g.size() - 3); })},
      {"gzip-truncated-deflate.tar.gz", "gzip layer: the deflate data is truncated",
       Regzip([](std::string& g) { g.resize(g.size() / 2); })},
      {"trailing-garbage.tar.gz", "gzip layer: unsigned data follows the gzip stream",
       Regzip([](std::string& g) { g += "unsigned data, never signed\n"; })},
      {"trailing-zero-byte.tar.gz", "gzip layer: unsigned data follows the gzip stream",
       Regzip([](std::string& g) { g += std::string(1, '\0'); })},
      {"second-gzip-member.tar.gz", "gzip layer: a second gzip member follows",
       Regzip([](std::string& g) { g += Gzip("more text\n"); })},
      {"second-gzip-member-tar.tar.gz", "gzip layer: a second gzip member follows",
       Regzip([](std::string& g) {
         g += *WriteTarGz({{"logs/extra.log", "unsigned\n"}}, 0);
       })},
      {"gzip-fname-flag.tar.gz", "gzip layer: header flags 0x08", Regzip([](std::string& g) {
         g[3] = 0x08;
         g.insert(10, std::string("evil.tar\0", 9));
       })},
      {"gzip-fextra-flag.tar.gz", "gzip layer: header flags 0x04", Regzip([](std::string& g) {
         g[3] = 0x04;
         g.insert(10, std::string("\x04\x00XY\x00\x00", 6));
       })},
      {"gzip-bad-deflate.tar.gz", "gzip layer: the deflate data is damaged",
       Regzip([](std::string& g) { g[10] = 0x07; })},
      {"not-gzip.tar.gz", "gzip layer: not gzip data",
       [](const std::string& valid) { return Gunzip(valid); }},
      {"empty.tar.gz", "gzip layer: not gzip data", [](const std::string&) { return ""; }},
      // The tar layer.
      {"data-after-end-marker.tar.gz", "unsigned data after the tar end-of-archive marker",
       Retar([](std::string& t) {
         t += std::string(1024, '\0');  // record padding, with one byte not zero
         t[EndOfArchive(t) + 1024 + 10] = 'X';
       })},
      {"member-after-end-marker.tar.gz", "unsigned data after the tar end-of-archive marker",
       Retar(AppendMemberAfterEnd)},
      {"no-end-marker.tar.gz", "the tar stream has no end-of-archive marker after results.json",
       Retar([](std::string& t) { t.resize(EndOfArchive(t)); })},
      {"half-end-marker.tar.gz", "the tar end-of-archive marker is one zero block",
       Retar([](std::string& t) { t.resize(EndOfArchive(t) + 512); })},
      {"truncated-member.tar.gz", "results.json: truncated",
       Retar([](std::string& t) { t.resize(HeaderOffset(t, "results.json") + 512 + 100); })},
      {"oversized-member.tar.gz",
       "results.json: 314572800 bytes, more than the 268435456 a bundle member may hold",
       Retar([](std::string& t) {
         SetField(t, HeaderOffset(t, "results.json"), 124, 12, "02260000000");
       })},
      {"header-bad-checksum.tar.gz", "the tar header after junit.xml: the header checksum",
       Retar([](std::string& t) { t[HeaderOffset(t, "logs/4.2.001.log") + 60] = 'Z'; })},
      {"header-hidden-bytes.tar.gz", "the tar header after junit.xml: field 'name' has bytes",
       Retar([](std::string& t) {
         const size_t header = HeaderOffset(t, "logs/4.2.001.log");
         t[header + 60] = 'Z';
         FixChecksum(t, header);
       })},
      {"header-slack-bytes.tar.gz", "the tar header after junit.xml: bytes hidden after",
       Retar([](std::string& t) {
         const size_t header = HeaderOffset(t, "logs/4.2.001.log");
         t[header + 508] = 'Z';
         FixChecksum(t, header);
       })},
      {"gnu-tar-header.tar.gz", "the tar header after junit.xml: not a POSIX ustar header",
       Retar([](std::string& t) {
         SetField(t, HeaderOffset(t, "logs/4.2.001.log"), 257, 8, std::string_view("ustar  \0", 8));
       })},
      {"member-padding-data.tar.gz", "logs/4.2.001.log: unsigned data in the tar padding",
       Retar([](std::string& t) { t[HeaderOffset(t, "logs/4.2.001.log") + 512 + 100] = 'P'; })},
      {"pax-header.tar.gz", "junit.xml: refused: a pax extended header",
       Retar([](std::string& t) { SetField(t, HeaderOffset(t, "junit.xml"), 156, 1, "x"); })},
      {"fifo.tar.gz", "junit.xml: refused: a fifo",
       Retar([](std::string& t) { SetField(t, HeaderOffset(t, "junit.xml"), 156, 1, "6"); })},
      // Members.
      {"path-traversal.tar.gz", "member '../escape.txt': refused: a '..' component",
       Repack(Add({"../escape.txt", "x"}))},
      {"path-traversal-nested.tar.gz", "member 'logs/../../escape.txt': refused: a '..'",
       Repack(Add({"logs/../../escape.txt", "x"}))},
      {"absolute-path.tar.gz", "member '/etc/cron.d/evil': refused: an absolute path",
       Repack(Add({"/etc/cron.d/evil", "x"}))},
      {"symlink.tar.gz", "logs/link: refused: a symbolic link to '/etc/shadow'",
       Repack(Add({"logs/link", "", EntryKind::kSymlink, "/etc/shadow"}))},
      {"hardlink.tar.gz", "hard: refused: a hard link",
       Repack(Add({"hard", "", EntryKind::kHardlink, "results.json"}))},
      {"device.tar.gz", "dev-null: refused: a device",
       Repack(Add({"dev-null", "", EntryKind::kDevice}))},
      {"directory.tar.gz", "member 'logs/': refused",
       Repack(Add({"logs/", "", EntryKind::kDirectory}))},
      {"duplicate-member.tar.gz", "results.json: appears twice in the archive",
       Repack(Add({"results.json", "{}"}))},
      {"unlisted-member.tar.gz", "logs/extra.log: not listed in SHA256SUMS",
       Repack(Add({"logs/extra.log", "hello\n"}))},
      {"missing-member.tar.gz", "logs/4.2.002.log: listed in SHA256SUMS but missing",
       Repack(Remove("logs/4.2.002.log"))},
      {"changed-member.tar.gz", "results.json: sha256 differs from SHA256SUMS",
       Repack([](Entries& e) { Member(e, "results.json")[20] ^= 0x01; })},
      {"missing-signature.tar.gz", "SHA256SUMS.sig: missing: the bundle is unsigned",
       Repack(Remove(kSignatureFile))},
      {"missing-sums.tar.gz", "SHA256SUMS: missing", Repack(Remove(kSumsFile))},
      {"signed-by-another-key.tar.gz", "SHA256SUMS.sig: the ed25519 signature does not verify",
       Repack([](Entries& e) { Resum(e, OtherKey()); })},
      {"signature-extra-bytes.tar.gz", "SHA256SUMS.sig: not the one base64 line",
       Repack([](Entries& e) { Member(e, kSignatureFile) += "\n"; })},
      {"sums-extra-line.tar.gz", "SHA256SUMS: line 10: not '<sha256 hex>  <path>'",
       Repack(
           [sums_line](Entries& e) { sums_line(e, [](std::string& s) { s += "unsigned\n"; }); })},
      {"sums-lists-absent-file.tar.gz", "zz-absent.log: listed in SHA256SUMS but missing",
       Repack([sums_line](Entries& e) {
         sums_line(e, [](std::string& s) { s += std::string(64, '0') + "  zz-absent.log\n"; });
       })},
      // The attestation.
      {"attestation-other-key.tar.gz",
       "attestation.intoto.json: no DSSE signature verifies with this key",
       Repack(Restate([](json&) {}, OtherKey()))},
      {"attestation-payload-changed.tar.gz",
       "attestation.intoto.json: no DSSE signature verifies with this key", Repack([](Entries& e) {
         std::string& attestation = Member(e, kAttestationFile);
         auto envelope = ParseEnvelope(attestation);
         json statement = json::parse(envelope->payload);
         statement["predicate"]["verdict"]["verdict"] = "conformant";
         envelope->payload = statement.dump();
         attestation = RenderEnvelope(*envelope);
         Resum(e, CorpusKey());
       })},
      {"attestation-subject-digest.tar.gz",
       "attestation.intoto.json: subject junit.xml: its digest differs from SHA256SUMS",
       Repack(Restate([](json& s) {
         for (auto& subject : s["subject"]) {
           if (subject["name"] == "junit.xml") subject["digest"]["sha256"] = std::string(64, 'f');
         }
       }))},
      {"attestation-subject-missing.tar.gz",
       "attestation.intoto.json: junit.xml is not among the statement's subjects",
       Repack(Restate([](json& s) {
         auto& subjects = s["subject"];
         for (auto it = subjects.begin(); it != subjects.end(); ++it) {
           if ((*it)["name"] == "junit.xml") {
             subjects.erase(it);
             break;
           }
         }
       }))},
      {"attestation-wrong-types.tar.gz",
       "attestation.intoto.json: predicate.run.complete is string, not a boolean",
       Repack(Restate([](json& s) { s["predicate"]["run"]["complete"] = "yes"; }))},
      {"attestation-verdict-count-text.tar.gz",
       "attestation.intoto.json: predicate.verdict.must_total is string",
       Repack(Restate([](json& s) { s["predicate"]["verdict"]["must_total"] = "2"; }))},
      {"attestation-requirements-not-list.tar.gz",
       "attestation.intoto.json: predicate.requirements is object, not a list",
       Repack(Restate([](json& s) { s["predicate"]["requirements"] = json::object(); }))},
      {"attestation-extra-field.tar.gz",
       "attestation.intoto.json: predicate has an unexpected field 'note'",
       Repack(Restate([](json& s) { s["predicate"]["note"] = "unsigned by the harness"; }))},
      {"attestation-declaration-verified.tar.gz",
       "attestation.intoto.json: predicate.declarations[0].status is not 'declared'",
       Repack(Restate([](json& s) { s["predicate"]["declarations"][0]["status"] = "verified"; }))},
      {"attestation-statement-type.tar.gz", "attestation.intoto.json: _type is",
       Repack(Restate([](json& s) { s["_type"] = "https://in-toto.io/Statement/v0.1"; }))},
      {"attestation-predicate-type.tar.gz", "attestation.intoto.json: predicateType is",
       Repack(Restate([](json& s) { s["predicateType"] = "https://slsa.dev/provenance/v1"; }))},
      {"attestation-payload-indented.tar.gz",
       "attestation.intoto.json: the payload is not in the form ra2cert writes",
       Repack(Restate([](json&) {}, CorpusKey(), 2))},
      {"attestation-two-signatures.tar.gz",
       "attestation.intoto.json: the envelope carries 2 signatures", Repack([](Entries& e) {
         std::string& attestation = Member(e, kAttestationFile);
         auto envelope = ParseEnvelope(attestation);
         envelope->signatures.push_back(envelope->signatures.front());
         attestation = RenderEnvelope(*envelope);
         Resum(e, CorpusKey());
       })},
      {"attestation-envelope-extra-field.tar.gz",
       "attestation.intoto.json: not the DSSE envelope ra2cert writes", Repack([](Entries& e) {
         std::string& attestation = Member(e, kAttestationFile);
         json envelope = json::parse(attestation);
         envelope["note"] = "unsigned";
         attestation = envelope.dump() + "\n";
         Resum(e, CorpusKey());
       })},
  };
}

}  // namespace ra2cert::bundle::test
