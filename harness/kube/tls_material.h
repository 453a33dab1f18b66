// Client keys, client certificates and CA bundles checked with OpenSSL before libcurl
// sees them: libcurl's own PEM loading crashes on an encrypted key with no password
// (7.88), and its handshake errors name no kubeconfig field. `where` in every function
// is the field's place ("FILE: users[u].user.client-key-data") for the message.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace ra2cert::kube {

// The key re-encoded as unencrypted PKCS#8 PEM. Encrypted keys are refused (no password
// is ever asked for). Errors carry code 2.
Result<std::string> NormalizePrivateKey(const std::string& pem, const std::string& where);

// The certificate must parse, and `key_pem` must be its private key.
Status CheckKeyMatchesCertificate(const std::string& certificate_pem, const std::string& key_pem,
                                  const std::string& certificate_where,
                                  const std::string& key_where);

// A CA bundle: one or more PEM certificates and nothing unreadable.
Status CheckCertificateBundle(const std::string& pem, const std::string& where);

}  // namespace ra2cert::kube
