// The element types a field may have on disk, and the consent to convert between them on read.
#pragma once

namespace eddyop::h5 {

// float32 is the normal type of a field (what the operators train on); float64 is allowed for
// solver state that must be restarted bit for bit.
enum class DType { kFloat32, kFloat64 };

// Reading a float64 field into floats loses precision, so a conversion on read happens only
// when the caller asks for it.
enum class Convert { kNo, kYes };

// "float32" or "float64": the names numpy and h5py use.
const char* dtype_name(DType dtype);

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::kFloat32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::kFloat64;
}

}  // namespace eddyop::h5
