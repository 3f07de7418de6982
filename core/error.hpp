// One error type for the whole of eddyop: a component prefix, what went wrong, and a hint.
//
//   EDDYOP_CHECK(n % 2 == 0, "channel", "ny = " << n << " must be even");
//   EDDYOP_CHECK_HINT(ok, "hdf5", "cannot open '" << path << "'", "is the file complete?");
//
// what() reads "eddyop::channel: ny = 33 must be even" — one line, so that a user sees the
// component, the bad value and, where there is one, what to do about it.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace eddyop {

class Error : public std::runtime_error {
 public:
  Error(std::string component, std::string message, std::string hint = {});

  const std::string& component() const noexcept { return component_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string component_;
  std::string message_;
  std::string hint_;
};

namespace detail {
[[noreturn]] void throw_error(const char* component, const std::string& message,
                              const std::string& hint);
}  // namespace detail

}  // namespace eddyop

// Always on, in every build type: these guard user input and files, not programmer invariants.
#define EDDYOP_CHECK_HINT(cond, component, msg, hint)                                  \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::ostringstream eddyop_msg_;                                                  \
      eddyop_msg_ << msg;                                                              \
      std::ostringstream eddyop_hint_;                                                 \
      eddyop_hint_ << hint;                                                            \
      ::eddyop::detail::throw_error(component, eddyop_msg_.str(), eddyop_hint_.str()); \
    }                                                                                  \
  } while (false)

#define EDDYOP_CHECK(cond, component, msg) EDDYOP_CHECK_HINT(cond, component, msg, "")

#define EDDYOP_FAIL(component, msg) EDDYOP_CHECK_HINT(false, component, msg, "")
#define EDDYOP_FAIL_HINT(component, msg, hint) EDDYOP_CHECK_HINT(false, component, msg, hint)
