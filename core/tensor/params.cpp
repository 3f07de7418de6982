#include "core/tensor/params.hpp"

#include <sstream>

namespace eddyop::tensor {

namespace {
// Each parameter starts on a 64-byte boundary, so that kernels may load it vector-aligned.
constexpr Index kAlignValues = 16;
}  // namespace

template <class T>
Var<T> ParameterSet<T>::add(const std::string& name, const Shape& shape) {
  EDDYOP_CHECK(!allocated_, "parameters", "add('" << name << "') after allocate()");
  for (const auto& e : entries_)
    EDDYOP_CHECK(e.name != name, "parameters", "parameter '" << name << "' declared twice");
  auto v = std::make_shared<Node<T>>();
  v->value.shape = shape;
  v->grad.shape = shape;
  v->requires_grad = true;
  entries_.push_back({name, v, size_});
  size_ += (shape.numel() + kAlignValues - 1) / kAlignValues * kAlignValues;
  return v;
}

template <class T>
void ParameterSet<T>::allocate() {
  EDDYOP_CHECK(!allocated_, "parameters", "allocate() called twice");
  values_ = Data<T>("eddyop::parameters", static_cast<std::size_t>(size_));
  grads_ = Data<T>("eddyop::gradients", static_cast<std::size_t>(size_));
  for (auto& e : entries_) {
    const Shape s = e.var->value.shape;
    e.var->value = TensorT<T>(s, unmanaged(values_.data() + e.offset, s.numel()));
    e.var->grad = TensorT<T>(s, unmanaged(grads_.data() + e.offset, s.numel()));
  }
  allocated_ = true;
}

template <class T>
const typename ParameterSet<T>::Entry& ParameterSet<T>::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e;
  std::ostringstream known;
  for (const auto& e : entries_) known << ' ' << e.name;
  EDDYOP_FAIL_HINT("parameters", "no parameter '" << name << "'", "known:" << known.str());
}

template class ParameterSet<float>;
template class ParameterSet<double>;

}  // namespace eddyop::tensor
