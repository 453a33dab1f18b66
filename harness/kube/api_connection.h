// HTTP to one Kubernetes API server over libcurl: TLS material handed over as in-memory
// blobs (never temporary files), bearer tokens, token files re-read per request, exec
// plugins cached until expiry or a 401, HTTP/2, a shared connection pool, a client-side
// rate limit, bounded retries with backoff on 429 (Retry-After), 5xx and dropped
// connections. Requests are logged when RA2CERT_KUBE_DEBUG is set, without credentials.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "harness/core/result.h"
#include "harness/kube/kubeconfig.h"

namespace ra2cert::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/api/v1/namespaces?limit=500": everything after the server URL
  std::string body;
  std::string content_type = "application/json";
  std::string accept = "application/json";
  std::chrono::milliseconds timeout{30000};  // whole request; 0 = none (streams)
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct ConnectionOptions {
  // Client-side rate limit, a token bucket that starts full (kubectl's defaults).
  double qps = 50;
  int burst = 300;
  int max_attempts = 5;
  // TCP connect and TLS handshake together. A timed-out connection is not retried: a peer
  // that accepts and then says nothing would otherwise cost max_attempts times this.
  std::chrono::milliseconds connect_timeout{10000};
  // A server that sends no response headers this long after the connection is up is
  // not answering; a request (not a stream) that then receives nothing for this long
  // has stalled. Streams may idle once their headers have arrived (quiet watches do).
  std::chrono::milliseconds response_timeout{15000};
  // The most a response body (not a stream) may hold: a list of 10^5 objects fits.
  std::size_t max_response_bytes = 64u << 20;
};

class ApiConnection {
 public:
  static Result<std::shared_ptr<ApiConnection>> Open(ClusterAccess access,
                                                     ConnectionOptions options = {});
  ~ApiConnection();
  ApiConnection(const ApiConnection&) = delete;
  ApiConnection& operator=(const ApiConnection&) = delete;

  // Any HTTP status is a response; only transport failures (after retries) are errors.
  Result<HttpResponse> Send(const HttpRequest& request);

  // Streams the body to `on_data` as it arrives (watches, logs). Ends when the server
  // closes, `on_data` returns false, or a transport error occurs. Returns the status.
  Result<long> Stream(const HttpRequest& request,
                      const std::function<bool(std::string_view)>& on_data);

  const ClusterAccess& access() const;
  std::string Url(const std::string& path) const;  // for messages

 private:
  struct Impl;
  explicit ApiConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ra2cert::kube
