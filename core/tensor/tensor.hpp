// Tensor: a shape plus a contiguous, row-major (LayoutRight) Kokkos::View in the default memory
// space. The engine is templated on the scalar: float for models, double for the
// finite-difference gradient checks.
//
// A tensor never owns a shape-dependent View type: its data is always rank 1, so that ops of any
// rank share one type and a parameter can be a window into a model's flat buffer.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace eddyop::tensor {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using Index = std::int64_t;

// Row-major sizes; the last axis is contiguous.
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<Index> sizes) : sizes_(sizes) {}
  explicit Shape(std::vector<Index> sizes) : sizes_(std::move(sizes)) {}

  int rank() const { return static_cast<int>(sizes_.size()); }
  Index operator[](int axis) const { return sizes_.at(static_cast<std::size_t>(normal(axis))); }
  Index& operator[](int axis) { return sizes_.at(static_cast<std::size_t>(normal(axis))); }
  Index numel() const {
    Index n = 1;
    for (Index s : sizes_) n *= s;
    return n;
  }
  // Product of the sizes in [first, last).
  Index span(int first, int last) const {
    Index n = 1;
    for (int a = first; a < last; ++a) n *= sizes_[static_cast<std::size_t>(a)];
    return n;
  }
  // Axis -1 is the last one, as in NumPy.
  int normal(int axis) const { return axis < 0 ? axis + rank() : axis; }
  const std::vector<Index>& sizes() const { return sizes_; }
  bool operator==(const Shape& o) const { return sizes_ == o.sizes_; }
  bool operator!=(const Shape& o) const { return sizes_ != o.sizes_; }
  std::string str() const;  // "(2, 3, 4)"

 private:
  std::vector<Index> sizes_;
};

template <class T>
using Data = Kokkos::View<T*, Kokkos::LayoutRight, MemSpace>;

template <class T>
struct TensorT {
  Shape shape;
  Data<T> data;  // shape.numel() contiguous values

  TensorT() = default;
  TensorT(Shape s, Data<T> d) : shape(std::move(s)), data(std::move(d)) {
    EDDYOP_CHECK(static_cast<Index>(data.extent(0)) >= shape.numel(), "tensor",
                 "view of " << data.extent(0) << " values is too small for shape " << shape.str());
  }
  // A freshly allocated, zero-filled tensor that owns its memory.
  static TensorT zeros(const Shape& s, const std::string& label = "eddyop::tensor") {
    return TensorT(s, Data<T>(label, static_cast<std::size_t>(s.numel())));
  }
  Index numel() const { return shape.numel(); }
  bool empty() const { return data.data() == nullptr; }
  T* ptr() const { return data.data(); }
};

using Tensor = TensorT<float>;

// Wraps memory that someone else owns (an arena, a flat parameter buffer) without a copy.
template <class T>
Data<T> unmanaged(T* ptr, Index n) {
  return Data<T>(ptr, static_cast<std::size_t>(n));
}

// Host copy of a tensor's values, for tests, checkpoints and parity.
template <class T>
std::vector<T> to_host(const TensorT<T>& t) {
  std::vector<T> out(static_cast<std::size_t>(t.numel()));
  Kokkos::View<T*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> h(out.data(),
                                                                                 out.size());
  Kokkos::deep_copy(h, Kokkos::subview(t.data, std::make_pair(std::size_t{0}, out.size())));
  return out;
}

template <class T>
void from_host(const TensorT<T>& t, const std::vector<T>& values) {
  EDDYOP_CHECK(static_cast<Index>(values.size()) == t.numel(), "tensor",
               values.size() << " values given for shape " << t.shape.str());
  Kokkos::View<const T*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> h(
      values.data(), values.size());
  Kokkos::deep_copy(Kokkos::subview(t.data, std::make_pair(std::size_t{0}, values.size())), h);
}

}  // namespace eddyop::tensor
