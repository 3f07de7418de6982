#include "core/tensor/tensor.hpp"

#include <sstream>

namespace eddyop::tensor {

std::string Shape::str() const {
  std::ostringstream s;
  s << '(';
  for (std::size_t i = 0; i < sizes_.size(); ++i) s << (i ? ", " : "") << sizes_[i];
  s << ')';
  return s.str();
}

}  // namespace eddyop::tensor
