#include "core/hdf5/shape.hpp"

namespace eddyop::h5 {

std::string format_shape(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += shape[i] == kAnyExtent ? std::string("*") : std::to_string(shape[i]);
  }
  // A one-axis shape reads "(5)" rather than Python's "(5,)": these are messages, not code.
  return s + ")";
}

bool shape_matches(const Shape& actual, const Shape& expected) {
  if (actual.size() != expected.size()) return false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (expected[i] != kAnyExtent && expected[i] != actual[i]) return false;
  }
  return true;
}

std::int64_t element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t e : shape) n *= e;
  return n;
}

}  // namespace eddyop::h5
