#include "streamgate/status.h"

namespace streamgate {

std::string_view codeName(Code code) noexcept {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kNotFound:
      return "not_found";
    case Code::kConflict:
      return "conflict";
    case Code::kGap:
      return "gap";
    case Code::kFenced:
      return "fenced";
    case Code::kNotOwner:
      return "not_owner";
    case Code::kFinished:
      return "finished";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kTimeout:
      return "timeout";
    case Code::kUnsupported:
      return "unsupported";
    case Code::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::toString() const {
  if (isOk()) return "ok";
  std::string text(codeName(code_));
  text += ": ";
  text += message_;
  return text;
}

Status Status::withContext(std::string_view context) const {
  if (isOk()) return *this;
  std::string text(context);
  text += ": ";
  text += message_;
  return {code_, std::move(text)};
}

}  // namespace streamgate
