#include "suites/4.4/removable_image.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace ra2cert::suites {
namespace {
using nlohmann::json;

constexpr long kHttpTimeoutSeconds = 20;
constexpr char kManifestTypes[] =
    "Accept: application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  const std::string line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
      value.erase(0, 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
      value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

Result<HttpResponse> Http(const std::string& method, const std::string& url,
                          const std::vector<std::string>& headers, const std::string& body = {}) {
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                 curl_easy_cleanup);
  if (!curl) return Error("cannot start an HTTP request to " + url);
  struct curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(
      list, curl_slist_free_all);
  HttpResponse response;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  if (method == "HEAD") {
    curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, kHttpTimeoutSeconds);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &response.headers);
  if (method == "PUT" || method == "POST") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (const CURLcode code = curl_easy_perform(curl.get()); code != CURLE_OK) {
    return Error(method + " " + url + ": " + curl_easy_strerror(code));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string Sha256Digest(const std::string& data) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), hash, &length, EVP_sha256(), nullptr);
  std::string out = "sha256:";
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", hash[i]);
    out += hex;
  }
  return out;
}

Error Refused(const std::string& what, const HttpResponse& response) {
  return Error(what + ": HTTP " + std::to_string(response.status) + " " +
               response.body.substr(0, 200));
}

}  // namespace

Result<ImageReference> ParseImageReference(const std::string& image) {
  const size_t slash = image.find('/');
  const size_t colon = image.rfind(':');
  if (image.find('@') != std::string::npos || slash == std::string::npos ||
      colon == std::string::npos || colon < slash) {
    return Error("image '" + image + "' is not HOST/REPOSITORY:TAG");
  }
  return ImageReference{.registry = image.substr(0, slash),
                        .repository = image.substr(slash + 1, colon - slash - 1),
                        .tag = image.substr(colon + 1)};
}

Result<std::string> PushRemovableCopy(const std::string& image, const std::string& marker) {
  auto ref = ParseImageReference(image);
  if (!ref) return ref.error();
  const std::string base = "http://" + ref->registry + "/v2/" + ref->repository;

  auto manifest = Http("GET", base + "/manifests/" + ref->tag, {kManifestTypes});
  if (!manifest) return manifest.error();
  if (manifest->status != 200) return Refused("GET manifest of " + image, *manifest);
  const std::string media_type = manifest->headers["content-type"];
  json document = json::parse(manifest->body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("config")) {
    return Error("the manifest of " + image + " (" + media_type +
                 ") is not a single-platform image manifest");
  }
  const std::string config_digest = document["config"].value("digest", "");
  auto config = Http("GET", base + "/blobs/" + config_digest, {});
  if (!config) return config.error();
  if (config->status != 200) return Refused("GET config of " + image, *config);
  json config_document = json::parse(config->body, nullptr, /*allow_exceptions=*/false);
  if (!config_document.is_object()) return Error("the config of " + image + " is not JSON");
  config_document["config"]["Labels"]["io.ra2cert.removable-copy"] = marker;
  const std::string new_config = config_document.dump();
  const std::string new_digest = Sha256Digest(new_config);

  auto upload = Http("POST", base + "/blobs/uploads/", {});
  if (!upload) return upload.error();
  if (upload->status != 202) return Refused("starting a blob upload to " + base, *upload);
  std::string location = upload->headers["location"];
  if (location.rfind("http", 0) != 0) location = "http://" + ref->registry + location;
  location +=
      (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + new_digest;
  auto put = Http("PUT", location, {"Content-Type: application/octet-stream"}, new_config);
  if (!put) return put.error();
  if (put->status != 201) return Refused("uploading the copy's config", *put);

  document["config"]["digest"] = new_digest;
  document["config"]["size"] = new_config.size();
  const std::string tag = ref->tag + "-" + marker;
  auto put_manifest =
      Http("PUT", base + "/manifests/" + tag, {"Content-Type: " + media_type}, document.dump());
  if (!put_manifest) return put_manifest.error();
  if (put_manifest->status != 201) return Refused("putting the copy's manifest", *put_manifest);
  return ref->registry + "/" + ref->repository + ":" + tag;
}

void DeleteRemovableCopy(const std::string& copy) {
  auto ref = ParseImageReference(copy);
  if (!ref) return;
  const std::string base = "http://" + ref->registry + "/v2/" + ref->repository;
  auto head = Http("HEAD", base + "/manifests/" + ref->tag, {kManifestTypes});
  if (!head || head->status != 200) return;
  const std::string digest = head->headers["docker-content-digest"];
  if (!digest.empty()) (void)Http("DELETE", base + "/manifests/" + digest, {});
}

}  // namespace ra2cert::suites
