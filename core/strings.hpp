// Small string helpers used in messages.
#pragma once

#include <string>
#include <vector>

namespace eddyop {

// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace eddyop
