#include "reports/bundle/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/kube/base64.h"

namespace ra2cert::bundle {
namespace {
namespace fs = std::filesystem;

class CryptoTest : public testing::TestWithParam<KeyAlgorithm> {};

TEST(Sha256, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(KeyAlgorithmNames, ParseAndName) {
  EXPECT_EQ(*ParseKeyAlgorithm("ecdsa-p256"), KeyAlgorithm::kEcdsaP256);
  EXPECT_EQ(*ParseKeyAlgorithm("ed25519"), KeyAlgorithm::kEd25519);
  auto rsa = ParseKeyAlgorithm("rsa");
  ASSERT_FALSE(rsa);
  EXPECT_NE(rsa.error().message().find("ecdsa-p256 or ed25519"), std::string::npos);
}

TEST_P(CryptoTest, SignsAndVerifiesThroughPem) {
  auto key = Key::Generate(GetParam());
  ASSERT_TRUE(key) << key.error().message();
  auto private_pem = key->PrivatePem();
  auto public_pem = key->PublicPem();
  ASSERT_TRUE(private_pem && public_pem);
  EXPECT_EQ(private_pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);  // PKCS#8
  EXPECT_EQ(public_pem->rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);    // SPKI
  auto signer = Key::FromPrivatePem(*private_pem, "k");
  auto verifier = Key::FromPublicPem(*public_pem, "p");
  ASSERT_TRUE(signer && verifier);
  EXPECT_EQ(verifier->algorithm(), GetParam());
  EXPECT_FALSE(verifier->has_private());
  auto signature = signer->Sign("the bytes");
  ASSERT_TRUE(signature) << signature.error().message();
  if (GetParam() == KeyAlgorithm::kEd25519) {
    EXPECT_EQ(signature->size(), 64u);
  } else {
    EXPECT_EQ((*signature)[0], '\x30');  // DER
  }
  EXPECT_TRUE(verifier->Verify("the bytes", *signature));
  EXPECT_FALSE(verifier->Verify("the bytes!", *signature));
  std::string flipped = *signature;
  flipped[flipped.size() / 2] ^= 1;
  EXPECT_FALSE(verifier->Verify("the bytes", flipped));
  auto other = Key::Generate(GetParam());
  EXPECT_FALSE(other->Verify("the bytes", *signature));
  EXPECT_FALSE(verifier->Sign("x"));
}

TEST_P(CryptoTest, Ed25519SignaturesAreDeterministicEcdsaAreNot) {
  auto key = Key::Generate(GetParam());
  ASSERT_TRUE(key);
  const bool same = *key->Sign("same") == *key->Sign("same");
  EXPECT_EQ(same, GetParam() == KeyAlgorithm::kEd25519);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CryptoTest,
                         testing::Values(KeyAlgorithm::kEcdsaP256, KeyAlgorithm::kEd25519),
                         [](const auto& p) {
                           return p.param == KeyAlgorithm::kEd25519 ? "Ed25519" : "EcdsaP256";
                         });

std::string PublicPemOf(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

TEST(Key, RefusesUnknownAlgorithms) {
  auto rsa = Key::FromPublicPem(PublicPemOf(EVP_RSA_gen(2048)), "rsa.pub");
  ASSERT_FALSE(rsa);
  EXPECT_NE(rsa.error().message().find("rsa.pub: unknown key algorithm 'RSA'"), std::string::npos)
      << rsa.error().message();
  auto p384 = Key::FromPublicPem(PublicPemOf(EVP_EC_gen("P-384")), "p384.pub");
  ASSERT_FALSE(p384);
  EXPECT_NE(p384.error().message().find("unknown key algorithm: EC curve 'secp384r1'"),
            std::string::npos)
      << p384.error().message();
  auto junk = Key::FromPublicPem("not a key", "junk.pub");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().code(), 2);
  auto encrypted = Key::FromPrivatePem("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", "enc.key");
  ASSERT_FALSE(encrypted);
  EXPECT_NE(encrypted.error().message().find("encrypted"), std::string::npos);
}

class KeyFilesTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("ra2cert-crypto-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeyFilesTest, WritesPrivateKey0600AndNeverOverwrites) {
  const mode_t old_umask = ::umask(0);
  auto key = Key::Generate(KeyAlgorithm::kEcdsaP256);
  auto files = WriteKeyPair(*key, (dir_ / "keys").string());
  ::umask(old_umask);
  ASSERT_TRUE(files) << files.error().message();
  struct stat info {};
  ASSERT_EQ(::stat(files->private_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = Key::LoadPrivateFile(files->private_path);
  auto loaded_public = Key::LoadPublicFile(files->public_path);
  ASSERT_TRUE(loaded && loaded_public);
  EXPECT_TRUE(loaded_public->Verify("x", *loaded->Sign("x")));
  auto again = WriteKeyPair(*key, (dir_ / "keys").string());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("never overwrites"), std::string::npos);
  EXPECT_EQ(again.error().code(), 2);
}

TEST(SignerOutput, AcceptsBase64OrRawBytes) {
  EXPECT_EQ(*DecodeSignerOutput("AAEC\n"), std::string("\x00\x01\x02", 3));
  const std::string der("\x30\x45\x02\x21\x00\xff", 6);
  EXPECT_EQ(*DecodeSignerOutput(der), der);
  EXPECT_FALSE(DecodeSignerOutput(""));
  EXPECT_FALSE(DecodeSignerOutput(" \n"));
  EXPECT_FALSE(DecodeSignerOutput("abc"));  // base64 alphabet, but not base64
}

TEST_F(KeyFilesTest, CommandSignerFeedsStdinAndReadsTheSignature) {
  auto key = Key::Generate(KeyAlgorithm::kEcdsaP256);
  auto files = WriteKeyPair(*key, dir_.string());
  ASSERT_TRUE(files);
  auto public_key = Key::LoadPublicFile(files->public_path);
  // 3 MiB: more than any pipe buffer, so writing and reading must interleave.
  const std::string data(3 << 20, 'x');
  for (const std::string& pipe : {std::string(), std::string(" | base64")}) {
    auto signer = MakeCommandSigner("openssl dgst -sha256 -sign " + files->private_path + pipe);
    auto signature = signer->Sign(data, "SHA256SUMS");
    ASSERT_TRUE(signature) << signature.error().message();
    EXPECT_TRUE(public_key->Verify(data, *signature)) << pipe;
  }
  auto purpose = MakeCommandSigner("test \"$RA2CERT_SIGN_PURPOSE\" = SHA256SUMS && echo AAAA");
  EXPECT_TRUE(purpose->Sign("x", "SHA256SUMS"));
  auto failing = MakeCommandSigner("echo no key >&2; exit 7");
  auto failed = failing->Sign("x", "SHA256SUMS");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("exited 7 while signing SHA256SUMS: no key"),
            std::string::npos)
      << failed.error().message();
  // A signer that never reads its input must not take the harness down with SIGPIPE.
  auto deaf = MakeCommandSigner("echo AAAA");
  EXPECT_TRUE(deaf->Sign(data, "SHA256SUMS"));
}

}  // namespace
}  // namespace ra2cert::bundle
