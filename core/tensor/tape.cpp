#include "core/tensor/tape.hpp"

#include <algorithm>

#include "core/tensor/host_pool.hpp"

namespace eddyop::tensor {

namespace {
// 64-byte alignment of every arena block: FFTW's SIMD plans and vector loads rely on it.
constexpr Index kAlign = 64;
template <class T>
Index round_up(Index n) {
  const Index a = kAlign / static_cast<Index>(sizeof(T));
  return (n + a - 1) / a * a;
}
}  // namespace

template <class T>
Data<T> Arena<T>::alloc(Index n) {
  const Index need = round_up<T>(std::max<Index>(n, 1));
  if (chunks_.empty() ||
      chunks_.back().used + need > static_cast<Index>(chunks_.back().view.extent(0))) {
    // A new block: generous so that a growing graph does not make many small ones.
    const Index size = std::max<Index>(need, std::max<Index>(in_use_, Index{1} << 20));
    chunks_.push_back({Data<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "eddyop::arena"),
                               static_cast<std::size_t>(size)),
                       0});
  }
  Chunk& c = chunks_.back();
  T* p = c.view.data() + c.used;
  c.used += need;
  in_use_ += need;
  peak_ = std::max(peak_, in_use_);
  return unmanaged(p, n);
}

template <class T>
void Arena<T>::reset() {
  if (chunks_.size() > 1) {
    // Coalesce into one block of the high-water size: the next step allocates nothing.
    chunks_.clear();
    chunks_.push_back({Data<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "eddyop::arena"),
                               static_cast<std::size_t>(peak_)),
                       0});
  }
  for (auto& c : chunks_) c.used = 0;
  in_use_ = 0;
}

template <class T>
Var<T> Tape<T>::input(const TensorT<T>& value, bool requires_grad) {
  auto v = std::make_shared<Node<T>>();
  v->value = value;
  v->requires_grad = requires_grad;
  return v;
}

template <class T>
Var<T> Tape<T>::make(const Shape& shape, bool requires_grad) {
  auto v = std::make_shared<Node<T>>();
  v->value = TensorT<T>(shape, arena_.alloc(shape.numel()));
  v->requires_grad = requires_grad && recording_;
  return v;
}

template <class T>
TensorT<T> Tape<T>::scratch(const Shape& shape) {
  return TensorT<T>(shape, arena_.alloc(shape.numel()));
}

template <class T>
TensorT<T> Tape<T>::zeros(const Shape& shape) {
  TensorT<T> t = scratch(shape);
  const Index n = t.numel();
  const int parts = host_parts() ? host_threads() : 1;
  if (parts > 1 && n >= (Index(1) << 16)) {  // on the host, the parts clear large buffers
    T* p = t.ptr();
    run_parts(parts, [&](int k) { std::fill(p + n * k / parts, p + n * (k + 1) / parts, T(0)); });
  } else {
    Kokkos::deep_copy(t.data, T(0));
  }
  return t;
}

template <class T>
TensorT<T> Tape<T>::workspace(int slot, const Shape& shape) {
  const auto k = static_cast<std::size_t>(slot);
  if (workspaces_.size() <= k) workspaces_.resize(k + 1);
  const auto n = static_cast<std::size_t>(std::max<Index>(shape.numel(), 1));
  if (workspaces_[k].extent(0) < n)
    workspaces_[k] =
        Data<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "eddyop::workspace"), n);
  return TensorT<T>(shape, workspaces_[k]);
}

template <class T>
TensorT<T>& Tape<T>::grad(const Var<T>& x) {
  if (x->grad.empty()) x->grad = zeros(x->shape());
  return x->grad;
}

template <class T>
void Tape<T>::record(const char* name, std::function<void()> backward) {
  entries_.push_back({name, std::move(backward)});
}

template <class T>
void Tape<T>::backward(const Var<T>& y) {
  EDDYOP_CHECK(y->value.numel() == 1, "tape",
               "backward(y) needs a scalar y, got shape " << y->shape().str()
                                                          << "; pass an upstream gradient");
  TensorT<T> one = scratch(y->shape());
  Kokkos::deep_copy(one.data, T(1));
  backward(y, one);
}

template <class T>
void Tape<T>::backward(const Var<T>& y, const TensorT<T>& dy) {
  EDDYOP_CHECK(dy.shape == y->shape(), "tape",
               "upstream gradient " << dy.shape.str() << " does not match " << y->shape().str());
  EDDYOP_CHECK(y->requires_grad, "tape",
               "backward() on a value that does not depend on any "
               "parameter or input that requires a gradient");
  auto g = grad(y).data;
  auto d = dy.data;
  Kokkos::parallel_for(
      "eddyop::Tape::backward::seed", Kokkos::RangePolicy<ExecSpace>(0, dy.numel()),
      KOKKOS_LAMBDA(Index i) { g(i) += d(i); });
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    Kokkos::Profiling::pushRegion(it->name);
    it->backward();
    Kokkos::Profiling::popRegion();
  }
}

template <class T>
void Tape<T>::reset() {
  entries_.clear();
  arena_.reset();
}

template class Arena<float>;
template class Arena<double>;
template class Tape<float>;
template class Tape<double>;

}  // namespace eddyop::tensor
