// Reverse-mode autodiff by a tape.
//
//   Tape<float> tape;                       // one per training step (reset() between steps)
//   Var<float> x = tape.input(x_tensor);    // data: no gradient
//   Var<float> y = ops::gelu(tape, ops::linear(tape, x, w, b));
//   Var<float> loss = ...;
//   tape.backward(loss);                    // grads of every Var that requires one, accumulated
//   tape.reset();                           // forget the graph, recycle the arena
//
// Each op computes its forward at once and, when the tape is recording and one of its inputs
// requires a gradient, records a closure that runs its backward kernel. backward() replays the
// closures in reverse. Values and gradients of intermediate Vars live in the tape's arena: one
// block of memory reused step after step, so that a training loop allocates nothing once the
// first step has set the high-water mark. Vars from a step are invalid after reset().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor/tensor.hpp"

namespace eddyop::tensor {

template <class T>
struct Node {
  TensorT<T> value;
  TensorT<T> grad;  // empty until backward reaches it; for parameters a window of the grad buffer
  bool requires_grad = false;
  const Shape& shape() const { return value.shape; }
};

template <class T>
using Var = std::shared_ptr<Node<T>>;

// Bump allocator over Kokkos memory. reset() keeps one block as large as the high-water mark.
template <class T>
class Arena {
 public:
  Data<T> alloc(Index n);
  void reset();
  std::size_t peak_bytes() const { return static_cast<std::size_t>(peak_) * sizeof(T); }

 private:
  struct Chunk {
    Data<T> view;
    Index used = 0;
  };
  std::vector<Chunk> chunks_;
  Index in_use_ = 0;
  Index peak_ = 0;
};

template <class T>
class Tape {
 public:
  explicit Tape(bool recording = true) : recording_(recording) {}
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // Inference runs with recording off: no closures, no gradients.
  bool recording() const { return recording_; }
  void set_recording(bool on) { recording_ = on; }

  // A Var around existing memory (data, a constant); it is not copied.
  Var<T> input(const TensorT<T>& value, bool requires_grad = false);
  // A Var whose value is new arena memory (uninitialised): what an op returns.
  Var<T> make(const Shape& shape, bool requires_grad);
  // Arena memory for an op's workspace or saved state; valid until reset().
  TensorT<T> scratch(const Shape& shape);
  TensorT<T> zeros(const Shape& shape);
  // Transient workspace for use inside one kernel sequence (an op's forward, or one backward
  // closure): a buffer per `slot` that persists across steps and only grows, so that large
  // temporaries (FFT spectra) neither stay in the arena nor get allocated each step. Valid until
  // the next workspace() call with the same slot.
  TensorT<T> workspace(int slot, const Shape& shape);

  // True when an op must record its backward because of input `x`.
  bool needs_grad(const Var<T>& x) const { return recording_ && x && x->requires_grad; }
  // The gradient of `x`, allocated (zeroed) on first use.
  TensorT<T>& grad(const Var<T>& x);

  void record(const char* name, std::function<void()> backward);

  // Seeds d(y)/d(y) = 1 (y must hold one value) and replays the tape in reverse.
  void backward(const Var<T>& y);
  // Seeds the given upstream gradient dy (same shape as y), accumulated into y's gradient.
  void backward(const Var<T>& y, const TensorT<T>& dy);

  // Forgets the recorded graph and recycles the arena: every Var made by this tape dies here.
  void reset();

  std::size_t arena_peak_bytes() const { return arena_.peak_bytes(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    const char* name;
    std::function<void()> backward;
  };
  bool recording_;
  Arena<T> arena_;
  std::vector<Entry> entries_;
  std::vector<Data<T>> workspaces_;
};

extern template class Arena<float>;
extern template class Arena<double>;
extern template class Tape<float>;
extern template class Tape<double>;

}  // namespace eddyop::tensor
