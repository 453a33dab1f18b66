#include "harness/kube/tls_material.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace ra2cert::kube {
namespace {
constexpr int kConfigurationError = 2;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;

Bio ReadOnly(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Refuses every password request: ra2cert runs unattended and never prompts.
int RefusePassword(char*, int, int, void*) { return -1; }

bool LooksEncrypted(const std::string& pem) {
  return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
         pem.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
}

Result<Certificate> FirstCertificate(const std::string& pem, const std::string& where) {
  Bio bio = ReadOnly(pem);
  Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, RefusePassword, nullptr));
  ERR_clear_error();
  if (!certificate) {
    return Error(where + ": is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)",
                 kConfigurationError);
  }
  return certificate;
}
}  // namespace

Result<std::string> NormalizePrivateKey(const std::string& pem, const std::string& where) {
  if (LooksEncrypted(pem)) {
    return Error(where +
                     ": the client key is encrypted and ra2cert never asks for a password; "
                     "decrypt it (e.g. `openssl pkey -in key.pem -out key.plain.pem`) and "
                     "point the kubeconfig at the plain key",
                 kConfigurationError);
  }
  Bio in = ReadOnly(pem);
  Key key(PEM_read_bio_PrivateKey(in.get(), nullptr, RefusePassword, nullptr));
  ERR_clear_error();
  if (!key) {
    return Error(where +
                     ": is not a PEM private key (expected -----BEGIN PRIVATE KEY-----, "
                     "RSA PRIVATE KEY or EC PRIVATE KEY)",
                 kConfigurationError);
  }
  Bio out(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    ERR_clear_error();
    return Error(where + ": OpenSSL cannot re-encode this key", kConfigurationError);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  std::string normalized(data, static_cast<std::size_t>(size));
  // The copy in the BIO holds key material: wipe it before the BIO is freed.
  OPENSSL_cleanse(data, static_cast<std::size_t>(size));
  return normalized;
}

Status CheckKeyMatchesCertificate(const std::string& certificate_pem, const std::string& key_pem,
                                  const std::string& certificate_where,
                                  const std::string& key_where) {
  auto certificate = FirstCertificate(certificate_pem, certificate_where);
  if (!certificate) return certificate.error();
  Bio in = ReadOnly(key_pem);
  Key key(PEM_read_bio_PrivateKey(in.get(), nullptr, RefusePassword, nullptr));
  const bool matches = key && X509_check_private_key(certificate->get(), key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return Error(key_where + " is not the private key of the certificate in " + certificate_where +
                     "; point both at the same key pair",
                 kConfigurationError);
  }
  return Ok();
}

Status CheckCertificateBundle(const std::string& pem, const std::string& where) {
  Bio bio = ReadOnly(pem);
  int count = 0;
  for (;;) {
    Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, RefusePassword, nullptr));
    if (!certificate) break;
    ++count;
  }
  // The loop ends at the end of the data (PEM_R_NO_START_LINE) or at a broken block.
  const unsigned long last = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (count == 0) {
    return Error(where +
                     ": holds no PEM certificate (expected -----BEGIN CERTIFICATE-----); "
                     "give the API server's CA certificate in PEM form",
                 kConfigurationError);
  }
  if (!clean_end) {
    return Error(where + ": certificate " + std::to_string(count + 1) +
                     " of the bundle is not a valid PEM certificate",
                 kConfigurationError);
  }
  return Ok();
}

}  // namespace ra2cert::kube
