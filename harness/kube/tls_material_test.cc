#include "harness/kube/tls_material.h"

#include <gtest/gtest.h>

#include "harness/kube/test_pki.h"

namespace ra2cert::kube {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TlsMaterialTest, PlainKeysAreReencodedAsPkcs8) {
  const auto pair = test_pki::MakeKeyPair();
  auto pkcs8 = NormalizePrivateKey(pair.key_pem, "k.yaml: users[u].user.client-key-data");
  ASSERT_TRUE(pkcs8) << pkcs8.error().message();
  EXPECT_TRUE(Has(*pkcs8, "-----BEGIN PRIVATE KEY-----"));
  auto traditional =
      NormalizePrivateKey(test_pki::Traditional(pair.key_pem), "k.yaml: users[u].user.client-key");
  ASSERT_TRUE(traditional) << traditional.error().message();
  EXPECT_EQ(*traditional, *pkcs8) << "both forms of one key normalize to the same PEM";
}

TEST(TlsMaterialTest, EncryptedKeysAreRefusedWithWhatToDo) {
  const auto pair = test_pki::MakeKeyPair();
  for (const std::string& encrypted : {test_pki::EncryptedPkcs8(pair.key_pem, "secret"),
                                       test_pki::EncryptedLegacy(pair.key_pem, "secret")}) {
    ASSERT_TRUE(Has(encrypted, "ENCRYPTED")) << encrypted;
    auto key = NormalizePrivateKey(encrypted, "k.yaml: users[u].user.client-key-data");
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code(), 2);
    EXPECT_TRUE(Has(key.error().message(), "k.yaml: users[u].user.client-key-data"));
    EXPECT_TRUE(Has(key.error().message(), "encrypted"));
    EXPECT_TRUE(Has(key.error().message(), "openssl pkey"));
  }
}

TEST(TlsMaterialTest, NotAKeyIsNamed) {
  auto key = NormalizePrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                 "k.yaml: users[u].user.client-key");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), 2);
  EXPECT_TRUE(Has(key.error().message(), "is not a PEM private key"));
  EXPECT_FALSE(NormalizePrivateKey("", "x"));
}

TEST(TlsMaterialTest, KeyMustMatchTheCertificate) {
  const auto pair = test_pki::MakeKeyPair("a");
  const auto other = test_pki::MakeKeyPair("b");
  EXPECT_TRUE(CheckKeyMatchesCertificate(pair.certificate_pem, pair.key_pem, "CERT", "KEY"));
  auto mismatch =
      CheckKeyMatchesCertificate(pair.certificate_pem, other.key_pem, "CERT-FIELD", "KEY-FIELD");
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code(), 2);
  EXPECT_TRUE(Has(mismatch.error().message(), "CERT-FIELD"));
  EXPECT_TRUE(Has(mismatch.error().message(), "KEY-FIELD"));
  auto not_a_certificate = CheckKeyMatchesCertificate("CERT", pair.key_pem, "CERT-FIELD", "K");
  ASSERT_FALSE(not_a_certificate);
  EXPECT_TRUE(Has(not_a_certificate.error().message(), "CERT-FIELD: is not a PEM certificate"));
}

TEST(TlsMaterialTest, CaBundlesMustBePemCertificates) {
  const auto a = test_pki::MakeKeyPair("a");
  const auto b = test_pki::MakeKeyPair("b");
  EXPECT_TRUE(CheckCertificateBundle(a.certificate_pem, "CA"));
  EXPECT_TRUE(CheckCertificateBundle("# comment\n" + a.certificate_pem + b.certificate_pem, "CA"));
  for (const std::string& bad :
       {std::string("not a certificate"), std::string("\x30\x82\x01\x0a", 4), a.key_pem}) {
    auto status = CheckCertificateBundle(bad, "k.yaml: clusters[c].cluster.certificate-authority");
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().code(), 2);
    EXPECT_TRUE(Has(status.error().message(), "clusters[c].cluster.certificate-authority"));
  }
  auto truncated = CheckCertificateBundle(
      a.certificate_pem + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "CA");
  ASSERT_FALSE(truncated);
  EXPECT_TRUE(Has(truncated.error().message(), "certificate 2"));
}

}  // namespace
}  // namespace ra2cert::kube
