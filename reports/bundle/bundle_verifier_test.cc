// The writer and the verifier together, on a hand-made output directory (the end-to-end
// tests in tests/bundle use real runs and the CLI).
#include "reports/bundle/bundle_verifier.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "harness/kube/base64.h"
#include "reports/bundle/bundle_writer.h"
#include "reports/bundle/dsse.h"

namespace ra2cert::bundle {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class BundleTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("ra2cert-bundle-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs");
    const json results = {
        {"schema", "ra2cert.results/v1"},
        {"environment", "none"},
        {"started", "2026-11-28T00:51:02Z"},
        {"finished", "2026-11-28T00:52:00Z"},
        {"complete", true},
        {"interrupted", false},
        {"counts", {{"Passed", 1}, {"Failed", 1}}},
        {"verdict",
         {{"profile", "basic"},
          {"verdict", "not-conformant"},
          {"must_total", 2},
          {"must_not_covered", 0},
          {"blocking",
           {{{"id", "ra2.os.002"}, {"status", "verified-fail"}, {"reason", "4.2.002 failed"}}}},
          {"run_blockers", {"the run was interrupted"}}}},
        {"cases",
         {{{"id", "4.2.001"}, {"outcome", "Passed"}, {"log", "logs/4.2.001.log"}},
          {{"id", "4.2.002"}, {"outcome", "Failed"}, {"log", "logs/4.2.002.log"}}}},
        {"requirements",
         {{{"id", "ra2.os.001"}, {"kind", "must"}, {"status", "verified-pass"}},
          {{"id", "ra2.os.002"}, {"kind", "must"}, {"status", "verified-fail"}}}}};
    std::ofstream(dir_ / "results.json") << results.dump(2);
    std::ofstream(dir_ / "junit.xml") << "<testsuites/>\n";
    std::ofstream(dir_ / "logs" / "4.2.001.log") << "passed\n";
    std::ofstream(dir_ / "logs" / "4.2.002.log") << "failed: token=hunter2-secret-value\n";
    RunRecord record;
    record.cluster_facts = {{"cluster", "my/cluster"}, {"environment", "none"}};
    record.config = {{"parallel", 1}};
    record.harness = {{"name", "ra2cert"}, {"version", "9.9.9"}};
    record.declarations = json{
        {"declarations",
         {{{"requirement", "ra2.ch.008"}, {"status", "declared"}, {"statement", "two sockets"}}}}};
    ASSERT_TRUE(WriteRunRecord(dir_.string(), record));
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  Result<Bundle> Build(const Key* key, std::vector<std::string> secrets = {}) {
    std::unique_ptr<Signer> signer = key ? MakeKeySigner(*key, "test.key") : nullptr;
    return BuildBundle({dir_.string(), signer.get(), std::move(secrets)});
  }

  fs::path dir_;
};

TEST_F(BundleTest, VerifiesAndPrintsVerdictsAndDeclarations) {
  auto key = Key::Generate(KeyAlgorithm::kEcdsaP256);
  auto bundle = Build(&*key);
  ASSERT_TRUE(bundle) << bundle.error().message();
  EXPECT_EQ(bundle->file_name, "ra2cert-my-cluster-20261128T005102Z.tar.gz");
  EXPECT_TRUE(bundle->is_signed);
  const std::vector<std::string> expected = {
      "SHA256SUMS",         "SHA256SUMS.sig", "attestation.intoto.json",
      "cluster-facts.json", "config.json",    "declarations.json",
      "harness.json",       "junit.xml",      "logs/4.2.001.log",
      "logs/4.2.002.log",   "results.json"};
  EXPECT_EQ(bundle->members, expected);
  auto verified = VerifyBundle(bundle->archive, *Key::FromPublicPem(*key->PublicPem(), "pub"));
  ASSERT_TRUE(verified) << verified.error().message();
  const std::string text = *RenderVerified(*verified);
  EXPECT_NE(text.find("profile       basic: not-conformant"), std::string::npos) << text;
  EXPECT_NE(text.find("requirements  verified-fail 1, verified-pass 1"), std::string::npos) << text;
  EXPECT_NE(text.find("0 not-covered, ? not-applicable of 2)\n"
                      "blocking      the run was interrupted\n"
                      "blocking      ra2.os.002 verified-fail: 4.2.002 failed\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ra2.ch.008: declared by the vendor, not verified"), std::string::npos)
      << text;

  // Entries: sorted, mtime = the run's start, owner 0.
  auto entries = ReadTarGz(bundle->archive);
  ASSERT_TRUE(entries);
  for (size_t i = 1; i < entries->size(); ++i)
    EXPECT_LT((*entries)[i - 1].path, (*entries)[i].path);
}

TEST_F(BundleTest, Ed25519BundlesAreByteIdentical) {
  auto key = Key::Generate(KeyAlgorithm::kEd25519);
  auto first = Build(&*key);
  auto second = Build(&*key);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->archive, second->archive);
  EXPECT_TRUE(VerifyBundle(first->archive, *key));
}

TEST_F(BundleTest, UnsignedBundlesDoNotVerify) {
  auto bundle = Build(nullptr);
  ASSERT_TRUE(bundle) << bundle.error().message();
  EXPECT_FALSE(bundle->is_signed);
  auto verified = VerifyBundle(bundle->archive, *Key::Generate(KeyAlgorithm::kEcdsaP256));
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().message(), "SHA256SUMS.sig: missing: the bundle is unsigned");
}

TEST_F(BundleTest, AnotherKeyDoesNotVerify) {
  auto bundle = Build(&*Key::Generate(KeyAlgorithm::kEcdsaP256));
  auto verified = VerifyBundle(bundle->archive, *Key::Generate(KeyAlgorithm::kEcdsaP256));
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message().find("SHA256SUMS.sig: the ecdsa-p256 signature does not"),
            std::string::npos)
      << verified.error().message();
  auto ed = VerifyBundle(bundle->archive, *Key::Generate(KeyAlgorithm::kEd25519));
  EXPECT_FALSE(ed);
}

TEST_F(BundleTest, SecretsNeverReachTheArchive) {
  auto key = Key::Generate(KeyAlgorithm::kEd25519);
  auto bundle = Build(&*key, {"hunter2-secret-value"});
  ASSERT_TRUE(bundle);
  auto entries = ReadTarGz(bundle->archive);
  ASSERT_TRUE(entries);
  for (const auto& entry : *entries) {
    EXPECT_EQ(entry.data.find("hunter2-secret-value"), std::string::npos) << entry.path;
  }
  EXPECT_TRUE(VerifyBundle(bundle->archive, *key));
}

TEST_F(BundleTest, RefusesMissingRecords) {
  fs::remove(dir_ / "config.json");
  auto bundle = Build(nullptr);
  ASSERT_FALSE(bundle);
  EXPECT_NE(bundle.error().message().find("config.json: missing"), std::string::npos);
}

// `archive` with its statement changed, signed again with `key` (the attestation and
// SHA256SUMS both): only the change itself can make it fail.
std::string Restate(const std::string& archive, const Key& key,
                    const std::function<void(json&)>& change) {
  auto entries = ReadTarGz(archive);
  EXPECT_TRUE(entries);
  std::map<std::string, std::string*> by_name;
  for (auto& e : *entries) by_name[e.path] = &e.data;
  auto envelope = ParseEnvelope(*by_name[kAttestationFile]);
  json statement = json::parse(envelope->payload);
  change(statement);
  envelope->payload = statement.dump();
  envelope->signatures = {*key.Sign(PreAuthEncoding(envelope->payload_type, envelope->payload))};
  *by_name[kAttestationFile] = RenderEnvelope(*envelope);
  std::string sums;
  for (auto& e : *entries) {
    if (e.path != kSumsFile && e.path != kSignatureFile)
      sums += Sha256Hex(e.data) + "  " + e.path + "\n";
  }
  *by_name[kSumsFile] = sums;
  *by_name[kSignatureFile] = EncodeBase64(*key.Sign(sums)) + "\n";
  return *WriteTarGz(*entries, 0);
}

TEST_F(BundleTest, AStatementThatLeavesAFileOutIsRefused) {
  auto key = Key::Generate(KeyAlgorithm::kEd25519);
  auto bundle = Build(&*key);
  const std::string forged = Restate(bundle->archive, *key, [](json& statement) {
    auto& subjects = statement["subject"];
    for (auto it = subjects.begin(); it != subjects.end(); ++it) {
      if ((*it)["name"] == "junit.xml") {
        subjects.erase(it);
        break;
      }
    }
  });
  auto verified = VerifyBundle(forged, *key);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().message(),
            "attestation.intoto.json: junit.xml is not among the statement's subjects");
}

TEST_F(BundleTest, ReSignedButNotTheShapeRa2certWritesIsRefused) {
  auto key = Key::Generate(KeyAlgorithm::kEd25519);
  auto bundle = Build(&*key);
  ASSERT_TRUE(bundle);
  const std::vector<std::pair<std::function<void(json&)>, std::string>> cases = {
      {[](json& s) { s["predicate"]["requirements"] = "all passed"; },
       "predicate.requirements is string, not a list"},
      {[](json& s) { s["predicate"]["verdict"]["blocking"][0]["reason"] = 7; },
       "predicate.verdict.blocking[0].reason is number, not text"},
      {[](json& s) { s["predicate"]["run"].erase("interrupted"); },
       "predicate.run.interrupted is missing"},
      {[](json& s) { s["subject"][0]["digest"]["sha512"] = "00"; },
       "subject[0].digest has an unexpected field 'sha512'"},
      {[](json& s) { s["extra"] = true; }, "the statement has an unexpected field 'extra'"},
  };
  for (const auto& [change, reason] : cases) {
    auto verified = VerifyBundle(Restate(bundle->archive, *key, change), *key);
    ASSERT_FALSE(verified) << reason;
    EXPECT_NE(verified.error().message().find("attestation.intoto.json: " + reason),
              std::string::npos)
        << verified.error().message();
  }
  // Unchanged but signed again the same way: still verifies, so the change is the reason.
  EXPECT_TRUE(VerifyBundle(Restate(bundle->archive, *key, [](json&) {}), *key));
}

TEST_F(BundleTest, VerifiesAFileAndRefusesWhatIsNotARegularFile) {
  auto key = Key::Generate(KeyAlgorithm::kEd25519);
  auto bundle = Build(&*key);
  ASSERT_TRUE(bundle);
  std::ofstream(dir_ / "bundle.tar.gz", std::ios::binary) << bundle->archive;
  auto verified = VerifyBundleFile((dir_ / "bundle.tar.gz").string(), *key);
  ASSERT_TRUE(verified) << verified.error().message();
  EXPECT_EQ(verified->members.size(), 11u);
  ASSERT_EQ(::mkfifo((dir_ / "fifo.tar.gz").c_str(), 0600), 0);
  auto fifo = VerifyBundleFile((dir_ / "fifo.tar.gz").string(), *key);
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().code(), 2);
  EXPECT_NE(fifo.error().message().find("fifo.tar.gz: not a regular file"), std::string::npos);
  auto absent = VerifyBundleFile((dir_ / "absent.tar.gz").string(), *key);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code(), 2);
}

}  // namespace
}  // namespace ra2cert::bundle
