// The certification bundle end to end: the engine's fixture binary (the real CLI and
// engine) runs two cases and writes a bundle; ra2cert verify, the README's openssl
// procedure and cosign check it, and tampered copies must fail naming the member.
#include <glob.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/kube/base64.h"
#include "reports/bundle/crypto.h"
#include "reports/bundle/tar_archive.h"
#include "tests/support/test_shell.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using ra2cert::bundle::EntryKind;
using ra2cert::bundle::ReadTarGz;
using ra2cert::bundle::TarEntry;
using ra2cert::bundle::WriteTarGz;

using Shell = ra2cert::test_support::ShellRun;
using ra2cert::test_support::ReadFile;
using ra2cert::test_support::RunShell;
using ra2cert::test_support::WriteFile;

// The fixture binary as a user runs ra2cert: no KUBECONFIG, no colours.
std::string Ra2cert(const std::string& args) {
  return "env -u KUBECONFIG NO_COLOR=1 " RA2CERT_FIXTURE_BINARY " " + args;
}

// cosign, built from its Go module by environments/local/components/build-cosign.sh.
std::string CosignBinary() {
  const char* home = std::getenv("HOME");
  const std::string pattern =
      std::string(home ? home : "/root") + "/.cache/ra2cert/cosign-*/bin/cosign";
  glob_t found{};
  std::string path;
  if (::glob(pattern.c_str(), 0, nullptr, &found) == 0 && found.gl_pathc > 0) {
    path = found.gl_pathv[found.gl_pathc - 1];
  }
  ::globfree(&found);
  return path;
}

// The README's verification with nothing but tar, sha256sum, base64 and openssl. Keep it
// identical to the README section "Verifying a bundle".
const char kOpensslProcedure[] = R"(set -e
mkdir bundle && tar -xzf "$BUNDLE" -C bundle && cd bundle
sha256sum --check --strict SHA256SUMS
base64 -d SHA256SUMS.sig > ../SHA256SUMS.sig.bin
# ECDSA P-256 (the default):
openssl dgst -sha256 -verify "$PUBKEY" -signature ../SHA256SUMS.sig.bin SHA256SUMS
)";
const char kOpensslEd25519[] = R"(set -e
mkdir bundle && tar -xzf "$BUNDLE" -C bundle && cd bundle
sha256sum --check --strict SHA256SUMS
base64 -d SHA256SUMS.sig > ../SHA256SUMS.sig.bin
# Ed25519:
openssl pkeyutl -verify -pubin -inkey "$PUBKEY" -rawin -in SHA256SUMS -sigfile ../SHA256SUMS.sig.bin
)";

class BundleE2E : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("ra2cert-bundle-e2e-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // ra2cert keygen into dir_/NAME; returns the directory.
  fs::path Keygen(const std::string& name, const std::string& algorithm) {
    const auto shell =
        RunShell(Ra2cert("keygen --out " + (dir_ / name).string() + " --algorithm " + algorithm));
    EXPECT_EQ(shell.exit_code, 0) << shell.output;
    return dir_ / name;
  }

  // A run of the passing and the failing fixture case with `flags`; returns the console.
  Shell RunFixture(const std::string& flags, const std::string& out = "out",
                   const std::string& focus = "fixture (passes|fails)") {
    return RunShell(
        Ra2cert("run --focus '" + focus + "' --output-dir " + (dir_ / out).string() + " " + flags));
  }

  fs::path BundleIn(const std::string& out = "out") {
    for (const auto& entry : fs::directory_iterator(dir_ / out)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("ra2cert-", 0) == 0 && name.size() > 7 &&
          name.substr(name.size() - 7) == ".tar.gz") {
        return entry.path();
      }
    }
    ADD_FAILURE() << "no bundle in " << (dir_ / out);
    return {};
  }

  Shell Verify(const fs::path& bundle, const fs::path& key) {
    return RunShell(Ra2cert("verify " + bundle.string() + " --key " + key.string()));
  }

  // Writes a copy of `bundle` with `change` applied to its entries; returns the copy.
  fs::path Tampered(const fs::path& bundle, const std::string& name,
                    const std::function<void(std::vector<TarEntry>&)>& change) {
    auto entries = ReadTarGz(ReadFile(bundle));
    EXPECT_TRUE(entries) << entries.error().message();
    change(*entries);
    const fs::path copy = dir_ / (name + ".tar.gz");
    WriteFile(copy, *WriteTarGz(*entries, 0));
    return copy;
  }

  void ExpectRefused(const fs::path& bundle, const fs::path& key, const std::string& member) {
    const auto shell = Verify(bundle, key);
    EXPECT_EQ(shell.exit_code, 1) << shell.output;
    EXPECT_NE(shell.output.find("FAILED: " + member), std::string::npos)
        << "expected the message to name " << member << ":\n"
        << shell.output;
  }

  fs::path dir_;
};

TEST_F(BundleE2E, RunWritesASignedBundleThatVerifies) {
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  EXPECT_EQ(fs::status(keys / "ra2cert.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(ReadFile(keys / "ra2cert.key").find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(ReadFile(keys / "ra2cert.pub").find("-----BEGIN PUBLIC KEY-----"), std::string::npos);

  const auto run = RunFixture("--sign-key " + (keys / "ra2cert.key").string());
  EXPECT_EQ(run.exit_code, 1) << run.output;  // the failing case
  EXPECT_NE(run.output.find("(signed, ecdsa-p256 key "), std::string::npos) << run.output;
  const fs::path bundle = BundleIn();
  EXPECT_EQ(bundle.filename().string().rfind("ra2cert-none-", 0), 0u) << bundle;

  const auto verified = Verify(bundle, keys / "ra2cert.pub");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("profile       basic: not-conformant (2 cases executed"),
            std::string::npos)
      << verified.output;
  EXPECT_NE(verified.output.find("verified-fail 1, verified-pass 1"), std::string::npos)
      << verified.output;

  auto entries = ReadTarGz(ReadFile(bundle));
  ASSERT_TRUE(entries);
  std::vector<std::string> names;
  for (const auto& e : *entries) names.push_back(e.path);
  for (const char* expected : {"SHA256SUMS", "SHA256SUMS.sig", "attestation.intoto.json",
                               "cluster-facts.json", "config.json", "harness.json", "junit.xml",
                               "logs/4.2.001.log", "logs/4.2.002.log", "results.json"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  // The catalogue digest is what `ra2cert list --output yaml | sha256sum` says.
  const auto listing = RunShell(Ra2cert("list --output yaml") + " | sha256sum");
  for (const auto& e : *entries) {
    if (e.path != "harness.json") continue;
    const std::string digest = json::parse(e.data)["catalogue_sha256"];
    EXPECT_EQ(listing.output.substr(0, 64), digest);
  }
}

// Labs receive bundles, not output directories: report and compare read them directly.
TEST_F(BundleE2E, ReportAndCompareReadBundles) {
  RunFixture("", "passing", "fixture passes");
  RunFixture("", "failing", "fixture (passes|fails)");
  const fs::path passing = BundleIn("passing"), failing = BundleIn("failing");
  const auto report = RunShell(Ra2cert("report " + failing.string()));
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(report.output.find("not verified: `ra2cert verify` checks it"), std::string::npos)
      << report.output;
  EXPECT_NE(report.output.find("Profile basic: not-conformant"), std::string::npos)
      << report.output;
  EXPECT_NE(report.output.find("4.2.002   Failed"), std::string::npos) << report.output;

  const auto compare = RunShell(Ra2cert("compare " + passing.string() + " " + failing.string()));
  EXPECT_EQ(compare.exit_code, 0) << compare.output;  // 4.2.002 is new, not a regression
  EXPECT_NE(compare.output.find("1 new"), std::string::npos) << compare.output;
  const auto back = RunShell(Ra2cert("compare " + failing.string() + " " + passing.string()));
  EXPECT_NE(back.output.find("1 removed"), std::string::npos) << back.output;

  WriteFile(dir_ / "junk.tar.gz", "not an archive");
  const auto junk = RunShell(Ra2cert("report " + (dir_ / "junk.tar.gz").string()));
  EXPECT_EQ(junk.exit_code, 2) << junk.output;
  EXPECT_NE(junk.output.find("junk.tar.gz: not a readable tar.gz archive"), std::string::npos)
      << junk.output;
}

TEST_F(BundleE2E, FlippingAByteInAnyMemberFailsNamingIt) {
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  RunFixture("--sign-key " + (keys / "ra2cert.key").string());
  const fs::path bundle = BundleIn();
  auto entries = ReadTarGz(ReadFile(bundle));
  ASSERT_TRUE(entries);
  ASSERT_GE(entries->size(), 10u);
  for (const auto& member : *entries) {
    SCOPED_TRACE(member.path);
    const fs::path copy = Tampered(bundle, "flipped", [&](std::vector<TarEntry>& all) {
      for (auto& e : all) {
        if (e.path == member.path) e.data[e.data.size() / 2] ^= 0x01;
      }
    });
    ExpectRefused(copy, keys / "ra2cert.pub",
                  member.path == "SHA256SUMS" ? "SHA256SUMS" : member.path);
  }
}

TEST_F(BundleE2E, AddedRemovedAndUnsafeEntriesFailNamingThem) {
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  RunFixture("--sign-key " + (keys / "ra2cert.key").string());
  const fs::path bundle = BundleIn();
  const fs::path pub = keys / "ra2cert.pub";
  auto add = [&](TarEntry entry) {
    return Tampered(bundle, "added", [&](std::vector<TarEntry>& all) { all.push_back(entry); });
  };
  ExpectRefused(add({"logs/extra.log", "hello\n"}), pub,
                "logs/extra.log: not listed in SHA256SUMS");
  ExpectRefused(add({"../escape.txt", "x"}), pub, "member '../escape.txt': refused");
  ExpectRefused(add({"logs/../../escape.txt", "x"}), pub, "member 'logs/../../escape.txt'");
  ExpectRefused(add({"/etc/cron.d/evil", "x"}), pub, "member '/etc/cron.d/evil': refused");
  ExpectRefused(add({"logs/link", "", EntryKind::kSymlink, "/etc/shadow"}), pub,
                "logs/link: refused: a symbolic link to '/etc/shadow'");
  ExpectRefused(add({"hard", "", EntryKind::kHardlink, "results.json"}), pub,
                "hard: refused: a hard link");
  ExpectRefused(add({"dev-null", "", EntryKind::kDevice}), pub, "dev-null: refused: a device");
  ExpectRefused(add({"results.json", "{}"}), pub, "results.json: appears twice");

  auto remove = [&](const std::string& path) {
    return Tampered(bundle, "removed", [&](std::vector<TarEntry>& all) {
      std::erase_if(all, [&](const TarEntry& e) { return e.path == path; });
    });
  };
  ExpectRefused(remove("logs/4.2.002.log"), pub,
                "logs/4.2.002.log: listed in SHA256SUMS but missing");
  ExpectRefused(remove("SHA256SUMS.sig"), pub, "SHA256SUMS.sig: missing");
  ExpectRefused(remove("SHA256SUMS"), pub, "SHA256SUMS: missing");

  // Another key, and a key of an algorithm ra2cert does not sign with.
  const fs::path other = Keygen("other", "ecdsa-p256");
  ExpectRefused(bundle, other / "ra2cert.pub", "SHA256SUMS.sig");
  ASSERT_EQ(RunShell("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | "
                     "openssl pkey -pubout -out " +
                     (dir_ / "rsa.pub").string())
                .exit_code,
            0);
  const auto rsa = Verify(bundle, dir_ / "rsa.pub");
  EXPECT_EQ(rsa.exit_code, 1) << rsa.output;
  EXPECT_NE(rsa.output.find("unknown key algorithm 'RSA'"), std::string::npos) << rsa.output;

  // Not a bundle at all.
  WriteFile(dir_ / "junk.tar.gz", "junk");
  EXPECT_EQ(Verify(dir_ / "junk.tar.gz", pub).exit_code, 1);
  EXPECT_EQ(Verify(dir_ / "absent.tar.gz", pub).exit_code, 2);
}

TEST_F(BundleE2E, OpensslProcedureOfTheReadmeVerifies) {
  for (const std::string algorithm : {"ecdsa-p256", "ed25519"}) {
    SCOPED_TRACE(algorithm);
    const fs::path keys = Keygen("keys-" + algorithm, algorithm);
    const std::string out = "out-" + algorithm;
    RunFixture("--sign-key " + (keys / "ra2cert.key").string(), out);
    const fs::path work = dir_ / ("openssl-" + algorithm);
    fs::create_directories(work);
    const std::string script = algorithm == "ed25519" ? kOpensslEd25519 : kOpensslProcedure;
    WriteFile(work / "verify.sh", script);
    const auto shell = RunShell("cd " + work.string() + " && BUNDLE=" + BundleIn(out).string() +
                                " PUBKEY=" + (keys / "ra2cert.pub").string() + " sh verify.sh");
    EXPECT_EQ(shell.exit_code, 0) << shell.output;
    EXPECT_NE(shell.output.find("results.json: OK"), std::string::npos) << shell.output;
    EXPECT_NE(shell.output.find(algorithm == "ed25519" ? "Signature Verified Successfully"
                                                       : "Verified OK"),
              std::string::npos)
        << shell.output;
    // A changed SHA256SUMS must fail the same procedure.
    fs::remove_all(work / "bundle");
    const fs::path bad = Tampered(BundleIn(out), "bad-" + algorithm, [](auto& all) {
      for (auto& e : all) {
        if (e.path == "SHA256SUMS") e.data += e.data.substr(0, 66) + "junit.xml\n";
      }
    });
    const auto refused = RunShell("cd " + work.string() + " && BUNDLE=" + bad.string() +
                                  " PUBKEY=" + (keys / "ra2cert.pub").string() + " sh verify.sh");
    EXPECT_NE(refused.exit_code, 0) << refused.output;
  }
}

TEST_F(BundleE2E, Ed25519BundlesOfTheSameResultsAreByteIdentical) {
  const fs::path keys = Keygen("keys", "ed25519");
  const std::string key = (keys / "ra2cert.key").string();
  RunFixture("--sign-key " + key);
  const fs::path bundle = BundleIn();
  const std::string first = ReadFile(bundle);
  // The run's bundle, and the bundle remade from its output directory.
  const auto remade = RunShell(Ra2cert("bundle " + (dir_ / "out").string() + " --sign-key " + key));
  ASSERT_EQ(remade.exit_code, 0) << remade.output;
  EXPECT_NE(remade.output.find(bundle.string()), std::string::npos) << remade.output;
  EXPECT_TRUE(ReadFile(bundle) == first) << "remaking the bundle changed its bytes";
  EXPECT_EQ(Verify(bundle, keys / "ra2cert.pub").exit_code, 0);
  // Unsigned bundles are reproducible too, and ECDSA ones verify though their bytes differ.
  ASSERT_EQ(RunShell(Ra2cert("bundle " + (dir_ / "out").string())).exit_code, 0);
  const std::string unsigned_once = ReadFile(bundle);
  ASSERT_EQ(RunShell(Ra2cert("bundle " + (dir_ / "out").string())).exit_code, 0);
  EXPECT_TRUE(ReadFile(bundle) == unsigned_once);
}

TEST_F(BundleE2E, UnsignedByDefaultAndSaysSo) {
  const auto run = RunFixture("", "out", "fixture passes");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("(unsigned: pass --sign-key FILE or --signer CMD to sign it)"),
            std::string::npos)
      << run.output;
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  ExpectRefused(BundleIn(), keys / "ra2cert.pub",
                "SHA256SUMS.sig: missing: the bundle is unsigned");
}

TEST_F(BundleE2E, ExternalSignerReceivesTheBytesOnStdin) {
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  const std::string key = (keys / "ra2cert.key").string();
  // Raw DER on stdout.
  auto run =
      RunFixture("--signer 'openssl dgst -sha256 -sign " + key + "'", "raw", "fixture passes");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("(signed, external signer)"), std::string::npos) << run.output;
  EXPECT_EQ(Verify(BundleIn("raw"), keys / "ra2cert.pub").exit_code, 0);
  // Base64 on stdout, as KMS command-line tools print it; the script sees what it signs.
  WriteFile(dir_ / "signer.sh", "#!/bin/sh\necho \"$RA2CERT_SIGN_PURPOSE\" >> " +
                                    (dir_ / "purposes").string() + "\nopenssl dgst -sha256 -sign " +
                                    key + " | base64\n");
  fs::permissions(dir_ / "signer.sh", fs::perms::owner_all);
  run = RunFixture("--signer " + (dir_ / "signer.sh").string(), "b64", "fixture passes");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const auto verified = Verify(BundleIn("b64"), keys / "ra2cert.pub");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(ReadFile(dir_ / "purposes"), "attestation.intoto.json\nSHA256SUMS\n");
  // The signer command line never enters the bundle.
  auto entries = ReadTarGz(ReadFile(BundleIn("b64")));
  ASSERT_TRUE(entries);
  for (const auto& e : *entries) EXPECT_EQ(e.data.find("signer.sh"), std::string::npos) << e.path;

  // A signer that fails: the run still reports, the bundle is not written, exit 3.
  run = RunFixture("--signer 'echo HSM offline >&2; exit 4'", "failed", "fixture passes");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("writing the bundle failed: --signer: the command exited 4"),
            std::string::npos)
      << run.output;
  // Both ways at once is a usage error, before anything runs.
  run = RunFixture("--sign-key " + key + " --signer cat", "both");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("exclude each other"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(dir_ / "both"));
  run = RunFixture("--sign-key " + (dir_ / "absent.key").string(), "absent");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("--sign-key: " + (dir_ / "absent.key").string()), std::string::npos)
      << run.output;
}

TEST_F(BundleE2E, CredentialsNeverEnterTheBundle) {
  // A kubeconfig whose credentials a careless log could print: a bearer token, a client key,
  // an exec plugin's environment.
  const auto client_key =
      RunShell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256");
  ASSERT_EQ(client_key.exit_code, 0);
  const std::string token = "fake-bearer-token-7d1f0c9a2b";
  const std::string exec_secret = "fake-exec-env-secret-93be";
  WriteFile(dir_ / "kubeconfig",
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
            "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:6443'}}]\n"
            "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
            "users:\n- name: u\n  user:\n    token: " +
                token + "\n    client-key-data: " + ra2cert::EncodeBase64(client_key.output) +
                "\n- name: e\n  user:\n    exec:\n      apiVersion: "
                "client.authentication.k8s.io/v1\n      command: get-token\n"
                "      interactiveMode: Never\n      env: [{name: CLOUD_SECRET, value: " +
                exec_secret + "}]\n");
  const fs::path keys = Keygen("keys", "ed25519");
  RunFixture("--sign-key " + (keys / "ra2cert.key").string());

  // Seed the credentials where a case could have printed them: its log and its message.
  const std::string key_body_line = client_key.output.substr(client_key.output.find('\n') + 1, 64);
  const std::string jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln";
  {
    std::ofstream log(dir_ / "out" / "logs" / "4.2.002.log", std::ios::app);
    log << "GET /api/v1/nodes Authorization: Bearer " << token << "\n"
        << "exec env: CLOUD_SECRET=" << exec_secret << "\n"
        << client_key.output << "client key line: " << key_body_line << "\n"
        << "service account token " << jwt << "\n"
        << "Authorization: Bearer some-other-unknown-token-123456\n";
    json results = json::parse(ReadFile(dir_ / "out" / "results.json"));
    for (auto& c : results["cases"]) {
      if (c["id"] == "4.2.002") c["message"] = "token " + token + " refused";
    }
    WriteFile(dir_ / "out" / "results.json", results.dump(2));
  }
  const auto remade = RunShell(Ra2cert("bundle " + (dir_ / "out").string() + " --sign-key " +
                                       (keys / "ra2cert.key").string() + " --kubeconfig " +
                                       (dir_ / "kubeconfig").string()));
  ASSERT_EQ(remade.exit_code, 0) << remade.output;
  const fs::path bundle = BundleIn();
  EXPECT_EQ(Verify(bundle, keys / "ra2cert.pub").exit_code, 0);

  // Search the decompressed archive, headers and all.
  const auto tar = RunShell("gzip -dc " + bundle.string());
  ASSERT_EQ(tar.exit_code, 0);
  ASSERT_GT(tar.output.size(), 10000u);
  for (const std::string& secret :
       {token, exec_secret, key_body_line, jwt, std::string("some-other-unknown-token-123456"),
        std::string("BEGIN PRIVATE KEY"), ra2cert::EncodeBase64(client_key.output).substr(0, 40)}) {
    EXPECT_EQ(tar.output.find(secret), std::string::npos) << "found in the bundle: " << secret;
  }
  EXPECT_NE(tar.output.find("Authorization: Bearer [REDACTED]"), std::string::npos);
  EXPECT_NE(tar.output.find("token [REDACTED] refused"), std::string::npos);
}

TEST_F(BundleE2E, DeclarationsAreCarriedAndShownAsDeclared) {
  WriteFile(dir_ / "declarations.yaml",
            "vendor: Example Networks\n"
            "declarations:\n"
            "  - requirement: ra2.ch.008\n"
            "    statement: Every worker has 2 sockets of 24 cores.\n"
            "    evidence: Hardware BOM rev. 3\n");
  const fs::path keys = Keygen("keys", "ecdsa-p256");
  RunFixture("--sign-key " + (keys / "ra2cert.key").string() + " --declarations " +
             (dir_ / "declarations.yaml").string());
  const fs::path bundle = BundleIn();
  const auto verified = Verify(bundle, keys / "ra2cert.pub");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("declared      ra2.ch.008: declared by the vendor, not verified: "
                                 "Every worker has 2 sockets of 24 cores."),
            std::string::npos)
      << verified.output;
  auto entries = ReadTarGz(ReadFile(bundle));
  ASSERT_TRUE(entries);
  bool carried = false;
  for (const auto& e : *entries) {
    if (e.path == "declarations.json") {
      const auto declarations = json::parse(e.data);
      EXPECT_EQ(declarations["declarations"][0]["status"], "declared");
      EXPECT_EQ(declarations["vendor"], "Example Networks");
      carried = true;
    }
    if (e.path == "results.json") {  // a declaration never changes a requirement's status
      const json results = json::parse(e.data);
      for (const auto& r : results["requirements"]) {
        if (r["id"] == "ra2.ch.008") {
          EXPECT_EQ(r["status"], "not-covered");
        }
      }
    }
  }
  EXPECT_TRUE(carried);

  // A run without --declarations into the same directory leaves no stale declarations.
  RunFixture("--sign-key " + (keys / "ra2cert.key").string());
  EXPECT_FALSE(fs::exists(dir_ / "out" / "declarations.json"));

  // An invalid file stops the run before anything runs, naming file, line and field.
  WriteFile(dir_ / "bad.yaml",
            "declarations:\n  - requirement: ra2.ch.008\n    statement: ok\n"
            "  - requirement: ra2.made.up\n    statement: x\n");
  const auto bad = RunFixture("--declarations " + (dir_ / "bad.yaml").string(), "bad");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find((dir_ / "bad.yaml").string() +
                            ":4: declarations[1].requirement: unknown requirement 'ra2.made.up'"),
            std::string::npos)
      << bad.output;
  EXPECT_FALSE(fs::exists(dir_ / "bad"));
}

// cosign (CI builds it before these run: the `cosign` test fixture) verifies the same
// bundles: the signature over SHA256SUMS, and the DSSE attestation against a member.
TEST_F(BundleE2E, CosignVerifiesSignatureAndAttestation) {
  const std::string cosign = CosignBinary();
  ASSERT_FALSE(cosign.empty())
      << "cosign is not built: run environments/local/components/build-cosign.sh";
  for (const std::string algorithm : {"ecdsa-p256", "ed25519"}) {
    SCOPED_TRACE(algorithm);
    const fs::path keys = Keygen("keys-" + algorithm, algorithm);
    const std::string out = "out-" + algorithm;
    RunFixture("--sign-key " + (keys / "ra2cert.key").string(), out);
    const fs::path unpacked = dir_ / ("unpacked-" + algorithm);
    fs::create_directories(unpacked);
    ASSERT_EQ(RunShell("tar -xzf " + BundleIn(out).string() + " -C " + unpacked.string()).exit_code,
              0);
    const std::string pub = (keys / "ra2cert.pub").string();
    const std::string env =
        "cd " + unpacked.string() + " && TUF_ROOT=" + (dir_ / "tuf").string() + " " + cosign + " ";
    const auto blob = RunShell(env + "verify-blob --key " + pub +
                               " --signature SHA256SUMS.sig --insecure-ignore-tlog SHA256SUMS");
    EXPECT_EQ(blob.exit_code, 0) << blob.output;
    EXPECT_NE(blob.output.find("Verified OK"), std::string::npos) << blob.output;
    for (const std::string member : {"results.json", "junit.xml", "logs/4.2.002.log"}) {
      const auto attestation =
          RunShell(env + "verify-blob-attestation --key " + pub +
                   " --insecure-ignore-tlog --type https://ra2cert.dev/attestation/certification/v1"
                   " --signature attestation.intoto.json " +
                   member);
      EXPECT_EQ(attestation.exit_code, 0) << member << "\n" << attestation.output;
      EXPECT_NE(attestation.output.find("Verified OK"), std::string::npos) << attestation.output;
    }
    // And refuses what is not the signed content.
    WriteFile(unpacked / "results.json", "{}");
    EXPECT_NE(RunShell(env + "verify-blob-attestation --key " + pub +
                       " --insecure-ignore-tlog --type "
                       "https://ra2cert.dev/attestation/certification/v1"
                       " --signature attestation.intoto.json results.json")
                  .exit_code,
              0);
    WriteFile(unpacked / "SHA256SUMS", "tampered\n");
    EXPECT_NE(RunShell(env + "verify-blob --key " + pub +
                       " --signature SHA256SUMS.sig --insecure-ignore-tlog SHA256SUMS")
                  .exit_code,
              0);
  }
}

}  // namespace
