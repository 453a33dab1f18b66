// Tests only: key pairs and self-signed certificates made at test time with OpenSSL, so
// no key is checked in, and the encrypted forms of a key that kubeconfigs carry.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>

namespace ra2cert::kube::test_pki {

struct KeyPair {
  std::string certificate_pem, key_pem;
};

inline std::string DrainBio(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(size));
  BIO_free_all(bio);
  return text;
}

inline EVP_PKEY* ReadKey(const std::string& pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free_all(in);
  return key;
}

// An EC P-256 key (fast to make) and a self-signed certificate for it.
inline KeyPair MakeKeyPair(const std::string& common_name = "ra2cert-test") {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_set_pubkey(certificate, key);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate, name);
  X509_sign(certificate, key, EVP_sha256());
  KeyPair pair;
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, certificate);
  pair.certificate_pem = DrainBio(cert_bio);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  pair.key_pem = DrainBio(key_bio);
  X509_free(certificate);
  EVP_PKEY_free(key);
  return pair;
}

// -----BEGIN ENCRYPTED PRIVATE KEY----- (PKCS#8, AES-256-CBC).
inline std::string EncryptedPkcs8(const std::string& key_pem, const std::string& password) {
  EVP_PKEY* key = ReadKey(key_pem);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_256_cbc(), password.c_str(),
                                static_cast<int>(password.size()), nullptr, nullptr);
  EVP_PKEY_free(key);
  return DrainBio(out);
}

// Legacy "-----BEGIN EC PRIVATE KEY-----" with Proc-Type: 4,ENCRYPTED and DEK-Info.
inline std::string EncryptedLegacy(const std::string& key_pem, const std::string& password) {
  EVP_PKEY* key = ReadKey(key_pem);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey_traditional(
      out, key, EVP_aes_128_cbc(),
      reinterpret_cast<unsigned char*>(const_cast<char*>(password.c_str())),
      static_cast<int>(password.size()), nullptr, nullptr);
  EVP_PKEY_free(key);
  return DrainBio(out);
}

// The same key in the traditional (non-PKCS#8) unencrypted form.
inline std::string Traditional(const std::string& key_pem) {
  EVP_PKEY* key = ReadKey(key_pem);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey_traditional(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  EVP_PKEY_free(key);
  return DrainBio(out);
}

}  // namespace ra2cert::kube::test_pki
