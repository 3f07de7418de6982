// All parameters of a model in one flat buffer, all their gradients in another.
//
// A model declares its parameters once (add), then allocate() creates the two buffers and points
// every parameter's value and gradient at its window of them. The optimiser, gradient clipping,
// the MPI all-reduce and checkpointing then each touch one contiguous buffer (values(), grads()).
// Gradients accumulate across backward passes until zero_grad().
#pragma once

#include <string>
#include <vector>

#include "core/tensor/tape.hpp"

namespace eddyop::tensor {

template <class T>
class ParameterSet {
 public:
  struct Entry {
    std::string name;
    Var<T> var;  // value and grad are windows of values() and grads()
    Index offset;
  };

  // Declares a parameter; its value and grad exist after allocate(). Names are unique.
  Var<T> add(const std::string& name, const Shape& shape);
  // Creates both buffers, zero-filled. Called once, after the last add().
  void allocate();

  Data<T> values() const { return values_; }  // (size())
  Data<T> grads() const { return grads_; }    // (size())
  Index size() const { return size_; }
  void zero_grad() const { Kokkos::deep_copy(grads_, T(0)); }

  const std::vector<Entry>& entries() const { return entries_; }
  const Entry& find(const std::string& name) const;  // throws, naming the known parameters

 private:
  std::vector<Entry> entries_;
  Data<T> values_, grads_;
  Index size_ = 0;
  bool allocated_ = false;
};

extern template class ParameterSet<float>;
extern template class ParameterSet<double>;

}  // namespace eddyop::tensor
