// Keeps secrets out of a bundle: every member passes through a Redactor before it is
// hashed. Two layers: the exact secret values the run knows (the kubeconfig's tokens,
// client keys and exec-plugin environment), and shapes that are secrets wherever they
// come from (PEM private-key blocks, "Bearer <token>", JSON web tokens, the token and
// key fields of kubeconfigs and ExecCredentials).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ra2cert::bundle {

inline constexpr char kRedacted[] = "[REDACTED]";

class Redactor {
 public:
  // Values shorter than kMinSecretBytes are ignored: replacing "1" or "true" everywhere
  // would wreck every file and hide nothing. Also redacts the value's JSON and XML
  // escaped spellings.
  static constexpr size_t kMinSecretBytes = 8;
  void AddSecret(std::string_view value);
  void AddSecrets(const std::vector<std::string>& values);

  std::string Redact(std::string_view text) const;
  size_t secret_count() const { return secrets_.size(); }

 private:
  void AddOne(std::string value);
  std::vector<std::string> secrets_;
};

// The secrets in these kubeconfig files, for every user (not only the current one):
// static tokens, token files' contents, client keys (inline data as written and decoded,
// key files, each line of their PEM bodies) and exec-plugin environment values. Files that
// cannot be read or parsed add nothing (the run itself reports those).
std::vector<std::string> KubeconfigSecrets(const std::vector<std::string>& paths);

}  // namespace ra2cert::bundle
