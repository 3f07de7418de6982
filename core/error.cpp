#include "core/error.hpp"

#include <utility>

namespace eddyop {

namespace {
std::string compose(const std::string& component, const std::string& message,
                    const std::string& hint) {
  std::string s = "eddyop::" + component + ": " + message;
  if (!hint.empty()) s += " (hint: " + hint + ")";
  return s;
}
}  // namespace

Error::Error(std::string component, std::string message, std::string hint)
    : std::runtime_error(compose(component, message, hint)),
      component_(std::move(component)),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

namespace detail {
void throw_error(const char* component, const std::string& message, const std::string& hint) {
  throw Error(component, message, hint);
}
}  // namespace detail

}  // namespace eddyop
