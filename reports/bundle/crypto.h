// The bundle's cryptography over OpenSSL 3: SHA-256, ECDSA P-256 (with SHA-256, DER
// signatures, as `openssl dgst -sha256 -sign` writes them) and Ed25519 (64 raw bytes, as
// `openssl pkeyutl -sign -rawin` writes them), keys as PEM (PKCS#8 private keys,
// SubjectPublicKeyInfo public keys). Signers hide where a signature comes from: a key
// file, or an external command for KMS/HSM users.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace ra2cert::bundle {

enum class KeyAlgorithm { kEcdsaP256, kEd25519 };

// "ecdsa-p256" or "ed25519"; anything else is an error naming both.
Result<KeyAlgorithm> ParseKeyAlgorithm(const std::string& name);
const char* KeyAlgorithmName(KeyAlgorithm algorithm);

std::string Sha256Hex(std::string_view bytes);

// SHA-256 fed in pieces, so a member is hashed as it is read instead of held whole.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  std::string HexDigest();  // lowercase hex; call once, after the last Update

 private:
  std::shared_ptr<EVP_MD_CTX> context_;
};

// A private or public key of a supported algorithm. Copies share the key.
class Key {
 public:
  static Result<Key> Generate(KeyAlgorithm algorithm);
  // `source` names the key in messages (a path). A key of another algorithm (RSA, an EC
  // curve other than P-256 ...) is an "unknown key algorithm" error.
  static Result<Key> FromPrivatePem(std::string_view pem, const std::string& source);
  static Result<Key> FromPublicPem(std::string_view pem, const std::string& source);
  static Result<Key> LoadPrivateFile(const std::string& path);
  static Result<Key> LoadPublicFile(const std::string& path);

  KeyAlgorithm algorithm() const { return algorithm_; }
  bool has_private() const { return has_private_; }
  Result<std::string> PrivatePem() const;  // PKCS#8, unencrypted
  Result<std::string> PublicPem() const;   // SubjectPublicKeyInfo

  // ECDSA: DER over SHA-256(data); Ed25519: the 64-byte signature over data.
  Result<std::string> Sign(std::string_view data) const;
  Status Verify(std::string_view data, std::string_view signature) const;

 private:
  Key(std::shared_ptr<EVP_PKEY> key, KeyAlgorithm algorithm, bool has_private)
      : key_(std::move(key)), algorithm_(algorithm), has_private_(has_private) {}
  static Result<Key> Adopt(EVP_PKEY* key, bool has_private, const std::string& source);

  std::shared_ptr<EVP_PKEY> key_;
  KeyAlgorithm algorithm_ = KeyAlgorithm::kEcdsaP256;
  bool has_private_ = false;
};

// Writes DIR/ra2cert.key (PKCS#8, mode 0600) and DIR/ra2cert.pub; never overwrites.
struct KeyFiles {
  std::string private_path, public_path;
};
Result<KeyFiles> WriteKeyPair(const Key& key, const std::string& dir);

// Produces the raw signature bytes (as Key::Sign) over `data`. `purpose` says what is
// signed ("SHA256SUMS" or "attestation.intoto.json"), for an external signer's logs.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual Result<std::string> Sign(std::string_view data, const std::string& purpose) = 0;
  virtual std::string Describe() const = 0;  // "ecdsa-p256 key FILE", "external signer"
};

std::unique_ptr<Signer> MakeKeySigner(Key key, std::string source);

// `command` runs through /bin/sh -c with the bytes to sign on stdin and
// RA2CERT_SIGN_PURPOSE set; it must exit 0 and print the signature on stdout, either
// base64 (whitespace ignored) or the raw bytes (DER ECDSA or 64-byte Ed25519).
std::unique_ptr<Signer> MakeCommandSigner(std::string command);

// The external signer's stdout as raw signature bytes (see MakeCommandSigner).
Result<std::string> DecodeSignerOutput(std::string_view out);

}  // namespace ra2cert::bundle
