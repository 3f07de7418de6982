#include "core/hdf5/dtype.hpp"

namespace eddyop::h5 {

const char* dtype_name(DType dtype) {
  return dtype == DType::kFloat32 ? "float32" : "float64";
}

}  // namespace eddyop::h5
