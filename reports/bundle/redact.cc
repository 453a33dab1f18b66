#include "reports/bundle/redact.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "harness/kube/base64.h"
#include "harness/kube/kubeconfig.h"
#include "reports/html_report.h"

namespace ra2cert::bundle {
namespace {

constexpr size_t kMaxSecretFileBytes = 1 << 20;

bool TokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

bool Base64UrlChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '-' || c == '_';
}

void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at)) {
    text.replace(at, what.size(), with);
    at += with.size();
  }
}

std::string EscapeJson(std::string_view value) {
  std::string out;
  for (const char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// How junit.xml spells a value in element text and in an attribute: pugixml writes it, so
// pugixml says how it escapes.
std::string AsJUnitWritesIt(std::string_view value, bool attribute) {
  pugi::xml_document document;
  pugi::xml_node node = document.append_child("x");
  std::string text(value);
  if (attribute) {
    node.append_attribute("a").set_value(text.c_str());
  } else {
    node.text().set(text.c_str());
  }
  std::ostringstream out;
  document.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  const std::string xml = out.str();
  const std::string open = attribute ? "<x a=\"" : "<x>", close = attribute ? "\"/>" : "</x>";
  if (!xml.starts_with(open) || !xml.ends_with(close)) return text;
  return xml.substr(open.size(), xml.size() - open.size() - close.size());
}

// -----BEGIN ... PRIVATE KEY----- through its END line; to the end when the END is cut off.
void RedactPrivateKeyBlocks(std::string& text) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  for (size_t at = text.find(kBegin); at != std::string::npos; at = text.find(kBegin, at)) {
    const size_t label_end = text.find("-----", at + kBegin.size());
    if (label_end == std::string::npos) break;
    const std::string label = text.substr(at + kBegin.size(), label_end - at - kBegin.size());
    if (label.find("PRIVATE KEY") == std::string::npos || label.size() > 64) {
      at = label_end;
      continue;
    }
    const std::string end_marker = "-----END " + label + "-----";
    const size_t end = text.find(end_marker, label_end);
    const size_t stop = end == std::string::npos ? text.size() : end + end_marker.size();
    const std::string replacement = std::string("[REDACTED ") + label + "]";
    text.replace(at, stop - at, replacement);
    at += replacement.size();
  }
}

// "Bearer <token>" (any case) keeps the word and loses the token.
void RedactBearerTokens(std::string& text) {
  static constexpr std::string_view kBearer = "bearer ";
  for (size_t at = 0; at + kBearer.size() < text.size(); ++at) {
    bool match = true;
    for (size_t i = 0; i < kBearer.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(text[at + i])) == kBearer[i];
    }
    if (!match) continue;
    const size_t start = at + kBearer.size();
    size_t stop = start;
    while (stop < text.size() && TokenChar(text[stop])) ++stop;
    if (stop - start >= 8) text.replace(start, stop - start, kRedacted);
    at = start;
  }
}

// header.payload.signature, each part base64url, the first two JSON ("eyJ") of 8+ chars.
void RedactJsonWebTokens(std::string& text) {
  for (size_t at = text.find("eyJ"); at != std::string::npos; at = text.find("eyJ", at + 1)) {
    size_t stop = at, part_start = at;
    int parts = 1;
    while (stop < text.size()) {
      if (Base64UrlChar(text[stop])) {
        ++stop;
      } else if (text[stop] == '.' && parts < 3 && stop - part_start >= 8) {
        ++parts;
        part_start = ++stop;
      } else {
        break;
      }
    }
    // The signature may be short, or empty for an unsigned token ("alg": "none").
    if (parts == 3) text.replace(at, stop - at, kRedacted);
  }
}

// Where a field's value ends: at the closing quote, or at white space, ',' or '}'.
size_t ValueEnd(const std::string& text, size_t start, char quote) {
  size_t stop = start;
  while (stop < text.size()) {
    const char c = text[stop];
    if (quote != 0) {
      if (c == quote) break;
      if (c == '\\' && stop + 1 < text.size()) ++stop;
    } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '}') {
      break;
    }
    ++stop;
  }
  return stop;
}

bool WordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// `token: x`, `"token": "x"`, `client-key-data: x` ...: the value is a secret whatever it is.
void RedactSecretFields(std::string& text) {
  static const std::vector<std::string> kFields = {
      "token",         "client-key-data", "client-key",   "password",      "id-token",
      "refresh-token", "client-secret",   "access-token", "clientKeyData", "clientKey"};
  for (const auto& field : kFields) {
    for (const std::string& key : {"\"" + field + "\":", field + ":"}) {
      for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        // The field name must start a word: "some_token:" is not "token:".
        if (at > 0 && WordChar(text[at - 1])) continue;
        size_t start = at + key.size();
        while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
        char quote = 0;
        if (start < text.size() && (text[start] == '"' || text[start] == '\'')) {
          quote = text[start++];
        }
        const size_t stop = ValueEnd(text, start, quote);
        if (stop - start < Redactor::kMinSecretBytes ||
            std::string_view(text).substr(start, stop - start) == kRedacted) {
          continue;
        }
        text.replace(start, stop - start, kRedacted);
      }
    }
  }
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::string text(kMaxSecretFileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::string Trim(std::string text) {
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  text.erase(0, std::min(text.size(), text.find_first_not_of(" \t\r\n")));
  return text;
}

// The PEM text and each line of its base64 body, which a log may print wrapped otherwise.
void AddPem(std::vector<std::string>& out, const std::string& pem) {
  if (pem.empty()) return;
  out.push_back(Trim(pem));
  std::istringstream lines(pem);
  std::string body;
  for (std::string line; std::getline(lines, line);) {
    line = Trim(line);
    if (line.empty() || line.rfind("-----", 0) == 0) continue;
    out.push_back(line);
    body += line;
  }
  out.push_back(body);
}

}  // namespace

void Redactor::AddOne(std::string value) {
  if (value.size() < kMinSecretBytes) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
}

void Redactor::AddSecret(std::string_view value) {
  if (value.size() < kMinSecretBytes) return;
  AddOne(std::string(value));
  AddOne(EscapeJson(value));
  AddOne(HtmlEscape(std::string(value)));  // report.html
  AddOne(AsJUnitWritesIt(value, false));
  AddOne(AsJUnitWritesIt(value, true));
  // Longest first, so a secret that contains another goes as a whole.
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::AddSecrets(const std::vector<std::string>& values) {
  for (const auto& value : values) AddSecret(value);
}

std::string Redactor::Redact(std::string_view input) const {
  std::string text(input);
  for (const auto& secret : secrets_) ReplaceAll(text, secret, kRedacted);
  RedactPrivateKeyBlocks(text);
  RedactBearerTokens(text);
  RedactJsonWebTokens(text);
  RedactSecretFields(text);
  return text;
}

std::vector<std::string> KubeconfigSecrets(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  auto config = kube::LoadKubeconfigs(paths, false);
  if (!config) return out;
  for (const auto& [name, user] : config->users) {
    out.push_back(user.token);
    if (!user.token_file.empty()) out.push_back(Trim(ReadSmallFile(user.token_file)));
    if (!user.client_key_data.empty()) {
      out.push_back(Trim(user.client_key_data));
      if (auto pem = DecodeBase64(user.client_key_data)) AddPem(out, *pem);
    }
    if (!user.client_key.empty()) AddPem(out, ReadSmallFile(user.client_key));
    if (user.exec) {
      for (const auto& [key, value] : user.exec->env) out.push_back(value);
    }
  }
  out.erase(
      std::remove_if(out.begin(), out.end(),
                     [](const std::string& s) { return s.size() < Redactor::kMinSecretBytes; }),
      out.end());
  return out;
}

}  // namespace ra2cert::bundle
