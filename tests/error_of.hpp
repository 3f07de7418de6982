// The message of the eddyop::Error that f throws, or "no error" when it throws none: the tests
// of bad input assert on what a user would read.
#pragma once

#include <functional>
#include <string>

#include "core/error.hpp"

namespace eddyop::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const eddyop::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace eddyop::testing
