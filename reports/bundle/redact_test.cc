#include "reports/bundle/redact.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/kube/base64.h"

namespace ra2cert::bundle {
namespace {
namespace fs = std::filesystem;

TEST(Redactor, RemovesKnownSecretsInEverySpelling) {
  Redactor redactor;
  redactor.AddSecret("s3cr3t-token-value");
  redactor.AddSecret("a\"quoted<secret>");
  redactor.AddSecret("short");  // too short to redact safely
  EXPECT_EQ(redactor.Redact("x s3cr3t-token-value y"), "x [REDACTED] y");
  EXPECT_EQ(redactor.Redact("{\"m\": \"a\\\"quoted<secret>\"}"), "{\"m\": \"[REDACTED]\"}");
  EXPECT_EQ(redactor.Redact("<m>a&quot;quoted&lt;secret&gt;</m>"), "<m>[REDACTED]</m>");
  EXPECT_EQ(redactor.Redact("a short text"), "a short text");
  // As report.html (HtmlEscape) and junit.xml (pugixml, text and attribute) write it.
  redactor.AddSecret("it's-\"a\"-s3cret&more");
  EXPECT_EQ(redactor.Redact("<p>it&#39;s-&quot;a&quot;-s3cret&amp;more</p>"), "<p>[REDACTED]</p>");
  EXPECT_EQ(redactor.Redact("<failure>it's-\"a\"-s3cret&amp;more</failure>"),
            "<failure>[REDACTED]</failure>");
  EXPECT_EQ(redactor.Redact("<f message=\"it's-&quot;a&quot;-s3cret&amp;more\"/>"),
            "<f message=\"[REDACTED]\"/>");
}

TEST(Redactor, RemovesSecretShapes) {
  const Redactor redactor;
  EXPECT_EQ(redactor.Redact("Authorization: Bearer abcdef0123456789.xyz\n"),
            "Authorization: Bearer [REDACTED]\n");
  EXPECT_EQ(redactor.Redact("log\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n"
                            "-----END EC PRIVATE KEY-----\nafter"),
            "log\n[REDACTED EC PRIVATE KEY]\nafter");
  EXPECT_EQ(redactor.Redact("cut -----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49"),
            "cut [REDACTED PRIVATE KEY]");
  EXPECT_EQ(redactor.Redact("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
  EXPECT_EQ(redactor.Redact("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlMTIz end"),
            "jwt [REDACTED] end");
  EXPECT_EQ(redactor.Redact("{\"token\": \"opaque-token-1234\", \"n\": 1}"),
            "{\"token\": \"[REDACTED]\", \"n\": 1}");
  EXPECT_EQ(redactor.Redact("    token: opaque-token-1234\n    client-key-data: QUJDREVGR0g=\n"),
            "    token: [REDACTED]\n    client-key-data: [REDACTED]\n");
  EXPECT_EQ(redactor.Redact("bearer_token: not-a-field-of-ours-1"),
            "bearer_token: not-a-field-of-ours-1");
}

TEST(KubeconfigSecrets, CollectsTokensKeysAndExecEnv) {
  const fs::path dir = fs::temp_directory_path() / ("ra2cert-redact-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string key_pem =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeKeyMaterialForTheTestOnly0123456789abcd\n"
      "-----END EC PRIVATE KEY-----\n";
  std::ofstream(dir / "token") << "file-token-0123456789\n";
  std::ofstream(dir / "kubeconfig")
      << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
         "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:6443'}}]\n"
         "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
         "users:\n"
         "- name: u\n  user:\n    token: static-token-0123456789\n"
         "    client-key-data: "
      << EncodeBase64(key_pem)
      << "\n"
         "- name: f\n  user:\n    tokenFile: token\n"
         "- name: e\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
         "      command: get-token\n      interactiveMode: Never\n"
         "      env: [{name: CLOUD_SECRET, value: exec-env-secret-0123}, {name: X, value: '1'}]\n";
  const auto secrets = KubeconfigSecrets({(dir / "kubeconfig").string()});
  fs::remove_all(dir);
  auto has = [&](const std::string& s) {
    return std::find(secrets.begin(), secrets.end(), s) != secrets.end();
  };
  EXPECT_TRUE(has("static-token-0123456789"));
  EXPECT_TRUE(has("file-token-0123456789"));
  EXPECT_TRUE(has("exec-env-secret-0123"));
  EXPECT_TRUE(has(EncodeBase64(key_pem)));
  EXPECT_TRUE(has("MHcCAQEEIFakeKeyMaterialForTheTestOnly0123456789abcd"));
  EXPECT_FALSE(has("1"));
  EXPECT_TRUE(KubeconfigSecrets({"/nonexistent/kubeconfig"}).empty());
}

}  // namespace
}  // namespace ra2cert::bundle
