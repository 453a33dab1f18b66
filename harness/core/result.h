// Errors are values inside ra2cert: every fallible library call returns a Result<T>
// (a value or an Error with a message a user can act on), so nothing throws across a
// module boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ra2cert {

class Error {
 public:
  explicit Error(std::string message, int code = 0) : message_(std::move(message)), code_(code) {}
  const std::string& message() const { return message_; }
  // A machine-readable detail where the caller may act on it (the HTTP status of a
  // Kubernetes API error: 404, 409, 410 ...); 0 otherwise.
  int code() const { return code_; }

  // Prefixes context ("config.yaml: ") so the outermost caller can name the file or flag.
  Error Wrap(const std::string& context) const { return Error(context + ": " + message_, code_); }

 private:
  std::string message_;
  int code_ = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

using Status = Result<std::monostate>;
inline Status Ok() { return std::monostate{}; }

}  // namespace ra2cert
