#include "reports/bundle/crypto.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/kube/base64.h"
#include "harness/tools/run_tool.h"

namespace ra2cert::bundle {
namespace {

constexpr size_t kMaxKeyFileBytes = 1 << 20;

// The newest OpenSSL error as text, and an empty queue afterwards (libcurl shares it).
std::string OpenSslError() {
  std::string text;
  if (const unsigned long code = ERR_peek_last_error(); code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = buffer;
  }
  ERR_clear_error();
  return text.empty() ? "OpenSSL error" : text;
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

BioPtr MemoryBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

// Never prompt on a terminal for a pass phrase: an encrypted key is an error.
int NoPassphrase(char*, int, int, void*) { return -1; }

Result<std::string> ReadKeyFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error(path + ": cannot read the key: " + ec.message(), 2);
  if (size > kMaxKeyFileBytes) return Error(path + ": too large for a PEM key", 2);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Error(path + ": cannot read the key", 2);
  return text.str();
}

// The EVP digest a signature of this algorithm uses (Ed25519 hashes internally).
const EVP_MD* DigestFor(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::kEcdsaP256 ? EVP_sha256() : nullptr;
}

Status WriteNewFile(const std::string& path, const std::string& content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Error(path + ": " + std::strerror(errno) +
                 (errno == EEXIST ? " (ra2cert keygen never overwrites a key)" : ""));
  }
  size_t done = 0;
  int error = 0;
  while (done < content.size() && error == 0) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n > 0) done += static_cast<size_t>(n);
    if (n <= 0 && errno != EINTR) error = errno != 0 ? errno : EIO;
  }
  if (error != 0) {
    ::close(fd);
    return Error(path + ": " + std::strerror(error));
  }
  // The umask may have narrowed the mode; the private key must be exactly 0600.
  if (::fchmod(fd, mode) != 0 || ::close(fd) != 0) return Error(path + ": " + std::strerror(errno));
  return Ok();
}

class KeySigner : public Signer {
 public:
  KeySigner(Key key, std::string source) : key_(std::move(key)), source_(std::move(source)) {}
  Result<std::string> Sign(std::string_view data, const std::string&) override {
    return key_.Sign(data);
  }
  std::string Describe() const override {
    return std::string(KeyAlgorithmName(key_.algorithm())) + " key " + source_;
  }

 private:
  Key key_;
  std::string source_;
};

class CommandSigner : public Signer {
 public:
  explicit CommandSigner(std::string command) : command_(std::move(command)) {}
  Result<std::string> Sign(std::string_view data, const std::string& purpose) override {
    ToolCommand tool;
    tool.program = "/bin/sh";
    tool.args = {"-c", command_};
    tool.env["RA2CERT_SIGN_PURPOSE"] = purpose;
    tool.timeout = std::chrono::minutes(2);
    tool.stdin_bytes = std::string(data);
    auto result = RunTool(tool);
    if (!result) return result.error().Wrap("--signer");
    if (result->exit_code != 0) {
      std::string err = result->err;
      if (err.size() > 500) err = "..." + err.substr(err.size() - 500);
      return Error("--signer: the command exited " + std::to_string(result->exit_code) +
                   " while signing " + purpose + (err.empty() ? "" : ": " + err));
    }
    auto signature = DecodeSignerOutput(result->out);
    if (!signature) return signature.error().Wrap("--signer (signing " + purpose + ")");
    return signature;
  }
  std::string Describe() const override { return "external signer"; }

 private:
  std::string command_;
};

}  // namespace

Result<KeyAlgorithm> ParseKeyAlgorithm(const std::string& name) {
  if (name == "ecdsa-p256") return KeyAlgorithm::kEcdsaP256;
  if (name == "ed25519") return KeyAlgorithm::kEd25519;
  return Error("unknown key algorithm '" + name + "' (use ecdsa-p256 or ed25519)", 2);
}

const char* KeyAlgorithmName(KeyAlgorithm algorithm) {
  return algorithm == KeyAlgorithm::kEcdsaP256 ? "ecdsa-p256" : "ed25519";
}

namespace {
std::string HexOf(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}
}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return HexOf(digest, length);
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr);
}

void Sha256Stream::Update(std::string_view bytes) {
  EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
}

std::string Sha256Stream::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_.get(), digest, &length);
  return HexOf(digest, length);
}

Result<Key> Key::Adopt(EVP_PKEY* raw, bool has_private, const std::string& source) {
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  if (EVP_PKEY_is_a(raw, "ED25519"))
    return Key(std::move(key), KeyAlgorithm::kEd25519, has_private);
  if (EVP_PKEY_is_a(raw, "EC")) {
    char group[80] = {};
    size_t length = 0;
    if (EVP_PKEY_get_group_name(raw, group, sizeof group, &length) == 1 &&
        (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256")) {
      return Key(std::move(key), KeyAlgorithm::kEcdsaP256, has_private);
    }
    ERR_clear_error();
    return Error(source + ": unknown key algorithm: EC curve '" + std::string(group) +
                 "' (ra2cert signs with ecdsa-p256 or ed25519)");
  }
  const char* type = EVP_PKEY_get0_type_name(raw);
  return Error(source + ": unknown key algorithm '" + std::string(type ? type : "?") +
               "' (ra2cert signs with ecdsa-p256 or ed25519)");
}

Result<Key> Key::Generate(KeyAlgorithm algorithm) {
  EVP_PKEY* key = algorithm == KeyAlgorithm::kEcdsaP256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return Error("generating a key failed: " + OpenSslError());
  return Adopt(key, true, "generated key");
}

Result<Key> Key::FromPrivatePem(std::string_view pem, const std::string& source) {
  if (pem.find("ENCRYPTED") != std::string_view::npos) {
    return Error(source +
                     ": the private key is encrypted; ra2cert needs an unencrypted PEM key "
                     "(or use --signer for a key it cannot read)",
                 2);
  }
  auto bio = MemoryBio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (key == nullptr) {
    return Error(source + ": not a PEM private key (" + OpenSslError() + ")", 2);
  }
  return Adopt(key, true, source);
}

Result<Key> Key::FromPublicPem(std::string_view pem, const std::string& source) {
  auto bio = MemoryBio(pem);
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr);
  if (key == nullptr) {
    return Error(source + ": not a PEM public key (" + OpenSslError() + ")", 2);
  }
  return Adopt(key, false, source);
}

Result<Key> Key::LoadPrivateFile(const std::string& path) {
  auto text = ReadKeyFile(path);
  if (!text) return text.error();
  return FromPrivatePem(*text, path);
}

Result<Key> Key::LoadPublicFile(const std::string& path) {
  auto text = ReadKeyFile(path);
  if (!text) return text.error();
  return FromPublicPem(*text, path);
}

Result<std::string> Key::PrivatePem() const {
  if (!has_private_) return Error("a public key has no private part");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return Error("writing the private key failed: " + OpenSslError());
  return BioText(bio.get());
}

Result<std::string> Key::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    return Error("writing the public key failed: " + OpenSslError());
  return BioText(bio.get());
}

Result<std::string> Key::Sign(std::string_view data) const {
  if (!has_private_) return Error("signing needs a private key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(algorithm_), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) != 1) {
    return Error("signing failed: " + OpenSslError());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes,
                     data.size()) != 1) {
    return Error("signing failed: " + OpenSslError());
  }
  signature.resize(length);
  return signature;
}

Status Key::Verify(std::string_view data, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(algorithm_), nullptr, key_.get()) != 1) {
    return Error("cannot verify: " + OpenSslError());
  }
  const int verified = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  if (verified != 1) {
    return Error(std::string("the ") + KeyAlgorithmName(algorithm_) +
                 " signature does not verify with this key");
  }
  return Ok();
}

Result<KeyFiles> WriteKeyPair(const Key& key, const std::string& dir) {
  auto private_pem = key.PrivatePem();
  if (!private_pem) return private_pem.error();
  auto public_pem = key.PublicPem();
  if (!public_pem) return public_pem.error();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error("--out " + dir + ": " + ec.message(), 2);
  KeyFiles files{(std::filesystem::path(dir) / "ra2cert.key").string(),
                 (std::filesystem::path(dir) / "ra2cert.pub").string()};
  if (std::filesystem::exists(files.public_path, ec)) {
    return Error(files.public_path + ": exists (ra2cert keygen never overwrites a key)", 2);
  }
  if (auto written = WriteNewFile(files.private_path, *private_pem, 0600); !written) {
    return Error(written.error().message(), 2);
  }
  if (auto written = WriteNewFile(files.public_path, *public_pem, 0644); !written) {
    return Error(written.error().message(), 2);
  }
  return files;
}

std::unique_ptr<Signer> MakeKeySigner(Key key, std::string source) {
  return std::make_unique<KeySigner>(std::move(key), std::move(source));
}

std::unique_ptr<Signer> MakeCommandSigner(std::string command) {
  return std::make_unique<CommandSigner>(std::move(command));
}

Result<std::string> DecodeSignerOutput(std::string_view out) {
  if (out.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Error("the command printed no signature");
  bool text = true;
  for (const char c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isspace(u) && !std::isalnum(u) && c != '+' && c != '/' && c != '=') {
      text = false;
      break;
    }
  }
  // A DER ECDSA signature starts 0x30 LEN 0x02 and 64 random Ed25519 bytes are never all
  // printable, so printable output is base64.
  if (!text) return std::string(out);
  auto decoded = DecodeBase64(out);
  if (!decoded) return Error("the command's output is neither raw signature bytes nor base64");
  return decoded;
}

}  // namespace ra2cert::bundle
