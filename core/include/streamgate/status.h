// Errors as values: nothing thrown ever crosses the plugin boundary.
//
// A Status is a code plus a human message that names the key, id or address
// involved. Expected<T> is either a value or a non-ok Status. Both are plain
// value types: copyable, movable, not thread-safe to mutate concurrently.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace streamgate {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // the caller sent something malformed; retrying will not help
  kNotFound,         // no such key, stream or lease (or it expired)
  kConflict,         // exists with other content, or already held by someone else
  kGap,              // an index skips ahead of the next expected one
  kFenced,           // a fencing token older than one already seen for the resource
  kNotOwner,         // a lease renewed or released by someone who no longer holds it
  kFinished,         // the stream already ended (terminal state recorded)
  kUnavailable,      // backend unreachable or circuit open: retry later
  kTimeout,          // the backend did not answer in time; the outcome is unknown
  kUnsupported,      // the backend does not implement this operation
  kInternal,         // a bug or an unexpected backend reply
};

// Stable lower_snake name of a code, e.g. "not_found"; used in logs and wire errors.
std::string_view codeName(Code code) noexcept;

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool isOk() const noexcept { return code_ == Code::kOk; }
  explicit operator bool() const noexcept { return isOk(); }
  Code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  // "<code name>: <message>", or "ok".
  std::string toString() const;

  // The same error with context in front of the message: "ctx: message".
  Status withContext(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Expected(Status error) : state_(std::in_place_index<1>, std::move(error)) {  // NOLINT
    assert(!std::get<1>(state_).isOk() && "Expected built from an ok Status");
  }

  bool hasValue() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return hasValue(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; an ok Status when a value is held.
  Status status() const { return hasValue() ? Status::ok() : std::get<1>(state_); }
  const Status& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace streamgate
