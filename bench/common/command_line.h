// The walk over argv every benchmark tool's option parser makes: one option
// at a time, its value, and an error that names the option.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

namespace streamgate::bench {

// The whole of text as a number of type T.
template <class T>
bool parseNumber(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

class CommandLine {
 public:
  CommandLine(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next option; false past the last one.
  bool next() {
    if (++index_ >= argc_) return false;
    name_ = argv_[index_];
    return true;
  }
  std::string_view name() const { return name_; }
  // The current option's value (the next argument); empty when there is none.
  std::string_view value() {
    return index_ + 1 < argc_ ? std::string_view(argv_[++index_]) : std::string_view();
  }
  // Sets error to "<option>: <why>" and returns false.
  bool fail(std::string_view why, std::string& error) const {
    error = std::string(name_) + ": " + std::string(why);
    return false;
  }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;
  std::string_view name_;
};

}  // namespace streamgate::bench
