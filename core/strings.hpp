// Small string helpers used in messages.
#pragma once

#include <string>
#include <vector>

namespace eddyop {

// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

// "a,b,c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string> split(const std::string& text, char separator = ',');

}  // namespace eddyop
