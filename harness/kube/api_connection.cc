#include "harness/kube/api_connection.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "harness/core/bounded_file.h"
#include "harness/kube/credential_text.h"
#include "harness/kube/exec_credential.h"
#include "harness/kube/tls_material.h"

namespace ra2cert::kube {
namespace {
using Clock = std::chrono::steady_clock;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlParts {
  std::string scheme, host, port, prefix;
};

// The field a message names; access from outside a kubeconfig has no field.
std::string FieldOf(const std::string& where, const char* field) {
  return where.empty() ? std::string(field) : where + "." + field;
}

// A server URL libcurl will take as the kubeconfig means it: parsed by libcurl's own URL
// parser, with a port in range.
Status CheckServerUrl(const std::string& server, const std::string& where) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  const std::string shown = PrintableExcerpt(server, 200);
  // Control characters and bytes that are not UTF-8 text have no place in a URL; what
  // PrintableExcerpt would escape is exactly that.
  if (server.find(' ') != std::string::npos || PrintableExcerpt(server, server.size()) != server) {
    return Error(where + ": '" + shown +
                     "' contains a space, a control character or bytes that are not UTF-8 text",
                 2);
  }
  if (const CURLUcode code = curl_url_set(url.get(), CURLUPART_URL, server.c_str(), 0); code) {
    return Error(where + ": '" + shown + "' is not a valid URL (" + curl_url_strerror(code) +
                     "); write it as https://HOST:PORT",
                 2);
  }
  char* port = nullptr;
  if (curl_url_get(url.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK && port) {
    const std::string text = port;
    curl_free(port);
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1 ||
        std::stoi(text) > 65535) {
      return Error(where + ": '" + shown + "' has port " + text +
                       ", outside 1-65535; write it as https://HOST:PORT",
                   2);
    }
  }
  return Ok();
}

// kubectl accepts http, https and socks5 proxies; libcurl speaks those and socks5h.
Status CheckProxyUrl(const std::string& proxy, const std::string& where) {
  const std::string shown = PrintableExcerpt(proxy, 200);
  const auto scheme_end = proxy.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : proxy.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https" && scheme != "socks5" && scheme != "socks5h") {
    return Error(
        where + ": '" + shown + "': " +
            (scheme.empty() ? "no scheme" : "the scheme '" + PrintableExcerpt(scheme) + "'") +
            " is not supported; use http://, https://, socks5:// or socks5h://",
        2);
  }
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (const CURLUcode code =
          curl_url_set(url.get(), CURLUPART_URL, proxy.c_str(), CURLU_NON_SUPPORT_SCHEME);
      code) {
    return Error(where + ": '" + shown + "' is not a valid URL (" + curl_url_strerror(code) + ")",
                 2);
  }
  return Ok();
}

// The token of a tokenFile, read on every request so that a rotated token is picked up.
Result<std::string> ReadTokenFile(const ClusterAccess& access) {
  const std::string where = FieldOf(access.user_where, "tokenFile");
  auto content = ReadBoundedFile(access.token_file, kConfigFileLimit, "token file");
  if (!content) {
    return Error(where + ": " + content.error().message() +
                     "; create the file or fix the path in the kubeconfig",
                 2);
  }
  std::string token = TokenFromFile(std::move(content).value());
  if (auto status = CheckHeaderValue(token, where + " (" + access.token_file + ")"); !status)
    return status.error();
  return token;
}

// Everything a connection needs is checked before the first request: a broken
// kubeconfig is a configuration error naming its field, not an unanswering cluster.
Status ValidateAccess(ClusterAccess& access) {
  const std::string server_where = FieldOf(access.cluster_where, "server");
  if (auto status = CheckServerUrl(access.server, server_where); !status) return status;
  if (!access.proxy_url.empty()) {
    if (auto status = CheckProxyUrl(access.proxy_url, FieldOf(access.cluster_where, "proxy-url"));
        !status)
      return status;
  }
  if (!access.ca_pem.empty()) {
    const std::string where = access.ca_where.empty()
                                  ? FieldOf(access.cluster_where, "certificate-authority")
                                  : access.ca_where;
    if (auto status = CheckCertificateBundle(access.ca_pem, where); !status) return status;
  }
  if (!access.client_key_pem.empty()) {
    const std::string key_where = access.client_key_where.empty()
                                      ? FieldOf(access.user_where, "client-key")
                                      : access.client_key_where;
    const std::string certificate_where = access.client_certificate_where.empty()
                                              ? FieldOf(access.user_where, "client-certificate")
                                              : access.client_certificate_where;
    auto key = NormalizePrivateKey(access.client_key_pem, key_where);
    if (!key) return key.error();
    if (auto status = CheckKeyMatchesCertificate(access.client_certificate_pem, *key,
                                                 certificate_where, key_where);
        !status)
      return status;
    std::fill(access.client_key_pem.begin(), access.client_key_pem.end(), '\0');
    access.client_key_pem = std::move(key).value();
  }
  const std::pair<const std::string*, const char*> values[] = {{&access.token, "token"},
                                                               {&access.username, "username"},
                                                               {&access.password, "password"},
                                                               {&access.impersonate, "as"},
                                                               {&access.impersonate_uid, "as-uid"}};
  for (const auto& [value, field] : values) {
    if (auto status = CheckHeaderValue(*value, FieldOf(access.user_where, field)); !status)
      return status;
  }
  for (const auto& group : access.impersonate_groups) {
    if (auto status = CheckHeaderValue(group, FieldOf(access.user_where, "as-groups")); !status)
      return status;
  }
  if (!access.token_file.empty()) {
    if (auto token = ReadTokenFile(access); !token) return token.error();
  }
  if (access.username.find(':') != std::string::npos) {
    return Error(FieldOf(access.user_where, "username") +
                     ": contains ':', which basic authentication cannot carry",
                 2);
  }
  return Ok();
}

Result<UrlParts> SplitServer(const std::string& server) {
  UrlParts parts;
  const auto scheme_end = server.find("://");
  if (scheme_end == std::string::npos) return Error("server '" + server + "' is not a URL");
  parts.scheme = server.substr(0, scheme_end);
  std::string rest = server.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    parts.prefix = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    parts.host = rest.substr(0, colon);
    parts.port = rest.substr(colon + 1);
  } else {
    parts.host = rest;
    parts.port = parts.scheme == "https" ? "443" : "80";
  }
  return parts;
}

bool Idempotent(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD" || request.method == "DELETE" ||
         request.method == "PUT" ||
         (request.method == "PATCH" && request.content_type == "application/apply-patch+yaml");
}

bool RetryableTransport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

struct Transfer {
  HttpResponse* response = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  bool stopped_by_callback = false;
  std::size_t max_body = 0;
  std::chrono::milliseconds response_timeout{0};
  Clock::time_point started = Clock::now();
  bool headers_seen = false;
  std::string failure;  // why a callback aborted the transfer, for the error message
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->on_data && transfer->response->status < 300) {
    if (!(*transfer->on_data)(std::string_view(data, bytes))) {
      transfer->stopped_by_callback = true;
      return 0;  // aborts the transfer
    }
    return bytes;
  }
  if (transfer->response->body.size() + bytes > transfer->max_body) {
    transfer->failure = "the API server sent more than " + std::to_string(transfer->max_body) +
                        " bytes, the most ra2cert accepts for one response";
    return 0;  // aborts the transfer
  }
  transfer->response->body.append(data, bytes);
  return bytes;
}

// Called by libcurl about once a second: a server that sends no response headers within
// the response timeout is not answering, whatever kind of request it is.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  if (!transfer->headers_seen && Clock::now() - transfer->started > transfer->response_timeout) {
    transfer->failure = "the API server sent no response within " +
                        std::to_string(transfer->response_timeout.count() / 1000) + " s";
    return 1;  // aborts the transfer
  }
  return 0;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    const auto space = line.find(' ');
    if (space != std::string::npos)
      transfer->response->status = std::atol(line.c_str() + space + 1);
    transfer->response->headers.clear();
    transfer->headers_seen = true;
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return bytes;
  std::string value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
  transfer->response->headers[Lower(line.substr(0, colon))] = value;
  return bytes;
}

}  // namespace

struct ApiConnection::Impl {
  ClusterAccess access;
  ConnectionOptions options;
  UrlParts url;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  bool debug = false;

  std::mutex state;  // guards the credential cache and the rate limiter
  std::optional<ExecCredential> exec_credential;
  double tokens = 0;
  Clock::time_point refilled = Clock::now();

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  void WaitForRateLimit() {
    std::unique_lock lock(state);
    for (;;) {
      const auto now = Clock::now();
      tokens = std::min<double>(
          options.burst,
          tokens + std::chrono::duration<double>(now - refilled).count() * options.qps);
      refilled = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      const auto wait = std::chrono::duration<double>((1 - tokens) / options.qps);
      lock.unlock();
      std::this_thread::sleep_for(wait);
      lock.lock();
    }
  }

  // Credentials for one request: token or exec output; cached exec output is reused
  // until it expires or `refresh` (after a 401) is asked for.
  Result<ExecCredential> Credentials(bool refresh) {
    ExecCredential credential;
    credential.client_certificate_pem = access.client_certificate_pem;
    credential.client_key_pem = access.client_key_pem;
    credential.token = access.token;
    if (!access.token_file.empty()) {
      auto token = ReadTokenFile(access);
      if (!token) return token.error();
      credential.token = std::move(token).value();
    }
    if (!access.exec) return credential;
    std::lock_guard lock(state);
    const bool expired = exec_credential && exec_credential->expires &&
                         *exec_credential->expires <= std::chrono::system_clock::now();
    if (!exec_credential || refresh || expired) {
      auto fresh = RunExecPlugin(*access.exec, access.server, access.ca_pem);
      if (!fresh) return fresh.error();
      exec_credential = std::move(fresh).value();
    }
    return *exec_credential;
  }

  std::string UrlFor(const std::string& path) const {
    const std::string host = access.tls_server_name.empty() ? url.host : access.tls_server_name;
    return url.scheme + "://" + host + ":" + url.port + url.prefix + path;
  }

  // One attempt. `code` is set to the transport result.
  HttpResponse Perform(const HttpRequest& request, const ExecCredential& credential,
                       const std::function<bool(std::string_view)>* on_data, CURLcode& code,
                       std::string& curl_error, bool& stopped) {
    HttpResponse response;
    Transfer transfer;
    transfer.response = &response;
    transfer.on_data = on_data;
    transfer.max_body = options.max_response_bytes;
    transfer.response_timeout = options.response_timeout;
    CURL* curl = curl_easy_init();
    char error_buffer[CURL_ERROR_SIZE] = {};
    const std::string url_text = UrlFor(request.path);
    curl_easy_setopt(curl, CURLOPT_URL, url_text.c_str());
    curl_easy_setopt(curl, CURLOPT_SHARE, share);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    if (request.timeout.count() > 0) {
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    }
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    if (!on_data) {
      // A body that stops arriving: streams may idle, single responses may not.
      curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(
          curl, CURLOPT_LOW_SPEED_TIME,
          static_cast<long>(std::max<long long>(1, options.response_timeout.count() / 1000)));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    // TLS material as blobs: libcurl copies them, nothing touches the disk. The key was
    // parsed and re-encoded unencrypted by ValidateAccess (or the exec plugin's parser).
    curl_blob ca{const_cast<char*>(access.ca_pem.data()), access.ca_pem.size(), CURL_BLOB_COPY};
    if (!access.ca_pem.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
    if (access.insecure_skip_tls_verify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_blob cert{const_cast<char*>(credential.client_certificate_pem.data()),
                   credential.client_certificate_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(credential.client_key_pem.data()),
                  credential.client_key_pem.size(), CURL_BLOB_COPY};
    if (!credential.client_certificate_pem.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
      curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
      curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
    curl_slist* connect_to = nullptr;
    if (!access.tls_server_name.empty()) {
      // Verify and send SNI for tls-server-name while connecting to the server's host.
      const std::string mapping =
          access.tls_server_name + ":" + url.port + ":" + url.host + ":" + url.port;
      connect_to = curl_slist_append(connect_to, mapping.c_str());
      curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
    }
    if (!access.proxy_url.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, access.proxy_url.c_str());
    if (!access.username.empty() || !access.password.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(curl, CURLOPT_USERNAME, access.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, access.password.c_str());
    }
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Accept: " + request.accept).c_str());
    if (!access.impersonate.empty())
      headers = curl_slist_append(headers, ("Impersonate-User: " + access.impersonate).c_str());
    if (!access.impersonate_uid.empty())
      headers = curl_slist_append(headers, ("Impersonate-Uid: " + access.impersonate_uid).c_str());
    for (const auto& group : access.impersonate_groups)
      headers = curl_slist_append(headers, ("Impersonate-Group: " + group).c_str());
    if (!request.body.empty())
      headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
    headers = curl_slist_append(headers, "User-Agent: ra2cert");
    std::string authorization;
    if (!credential.token.empty()) {
      authorization = "Authorization: Bearer " + credential.token;
      headers = curl_slist_append(headers, authorization.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    const auto started = Clock::now();
    code = curl_easy_perform(curl);
    stopped = transfer.stopped_by_callback;
    if (response.status == 0) {
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      response.status = status;
    }
    curl_error = !transfer.failure.empty() ? transfer.failure
                 : error_buffer[0]         ? error_buffer
                                           : curl_easy_strerror(code);
    if (debug) {
      std::fprintf(stderr, "kube: %s %s -> %ld%s in %lld ms\n", request.method.c_str(),
                   url_text.c_str(), response.status,
                   code == CURLE_OK || stopped ? "" : (" (" + curl_error + ")").c_str(),
                   static_cast<long long>(
                       std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
                           .count()));
    }
    std::fill(authorization.begin(), authorization.end(), '\0');
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
    curl_easy_cleanup(curl);
    return response;
  }

  Result<HttpResponse> Execute(const HttpRequest& request,
                               const std::function<bool(std::string_view)>* on_data) {
    std::mt19937 random(std::random_device{}());
    std::chrono::milliseconds backoff(200);
    bool refreshed_after_401 = false;
    for (int attempt = 1;; ++attempt) {
      WaitForRateLimit();
      auto credential = Credentials(false);
      if (!credential) return credential.error();
      CURLcode code = CURLE_OK;
      std::string curl_error;
      bool stopped = false;
      HttpResponse response = Perform(request, *credential, on_data, code, curl_error, stopped);
      const bool last = attempt >= options.max_attempts;
      // Over HTTP/2 the API server answers some requests early (401/403 before it reads a
      // POST body) and then resets the stream, which curl reports as a partial transfer.
      // The status and headers arrived whole: that is the server's answer, not a failure.
      const bool early_answer =
          response.status >= 400 && (code == CURLE_PARTIAL_FILE || code == CURLE_HTTP2_STREAM ||
                                     code == CURLE_HTTP2 || code == CURLE_RECV_ERROR);
      if (code != CURLE_OK && !stopped && !early_answer) {
        if (!last && RetryableTransport(code) && Idempotent(request) && !on_data) {
          Sleep(random, backoff);
          continue;
        }
        if (on_data && response.status > 0 && response.status < 300) {
          return response;  // a stream that broke after it started: the caller resumes
        }
        return Error(request.method + " " + UrlFor(request.path) + ": " + curl_error);
      }
      if (response.status == 401 && access.exec && !refreshed_after_401) {
        refreshed_after_401 = true;
        if (auto fresh = Credentials(true); !fresh) return fresh.error();
        continue;
      }
      if (!last && (response.status == 429 || (response.status >= 500 && Idempotent(request)))) {
        std::chrono::milliseconds wait = backoff;
        if (auto retry_after = response.headers.find("retry-after");
            retry_after != response.headers.end()) {
          wait = std::chrono::seconds(std::clamp(std::atol(retry_after->second.c_str()), 0L, 30L));
        }
        Sleep(random, wait);
        continue;
      }
      return response;
    }
  }

  void Sleep(std::mt19937& random, std::chrono::milliseconds& backoff) {
    std::uniform_int_distribution<long long> jitter(0, backoff.count() / 2);
    std::this_thread::sleep_for(backoff + std::chrono::milliseconds(jitter(random)));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
};

Result<std::shared_ptr<ApiConnection>> ApiConnection::Open(ClusterAccess access,
                                                           ConnectionOptions options) {
  GlobalInit();
  if (auto status = ValidateAccess(access); !status) return status.error();
  auto url = SplitServer(access.server);
  if (!url) return url.error();
  auto impl = std::make_unique<Impl>();
  impl->access = std::move(access);
  impl->options = options;
  impl->url = std::move(url).value();
  impl->tokens = options.burst;
  impl->debug = std::getenv("RA2CERT_KUBE_DEBUG") != nullptr;
  impl->share = curl_share_init();
  curl_share_setopt(impl->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
  curl_share_setopt(impl->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
  curl_share_setopt(impl->share, CURLSHOPT_USERDATA, impl.get());
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  if (impl->access.insecure_skip_tls_verify) {
    std::fprintf(stderr,
                 "ra2cert: WARNING: insecure-skip-tls-verify is set for cluster '%s': the API "
                 "server's identity is NOT verified\n",
                 impl->access.cluster_name.c_str());
  }
  return std::shared_ptr<ApiConnection>(new ApiConnection(std::move(impl)));
}

ApiConnection::ApiConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiConnection::~ApiConnection() {
  if (impl_->share) curl_share_cleanup(impl_->share);
}

Result<HttpResponse> ApiConnection::Send(const HttpRequest& request) {
  return impl_->Execute(request, nullptr);
}

Result<long> ApiConnection::Stream(const HttpRequest& request,
                                   const std::function<bool(std::string_view)>& on_data) {
  auto response = impl_->Execute(request, &on_data);
  if (!response) return response.error();
  if (response->status >= 300) {
    return Error(request.method + " " + Url(request.path) + ": HTTP " +
                     std::to_string(response->status) + ": " + response->body.substr(0, 500),
                 static_cast<int>(response->status));
  }
  return response->status;
}

const ClusterAccess& ApiConnection::access() const { return impl_->access; }

std::string ApiConnection::Url(const std::string& path) const { return impl_->UrlFor(path); }

}  // namespace ra2cert::kube
