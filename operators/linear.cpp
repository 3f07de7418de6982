// Linear layers and matrix products: every FLOP-heavy contraction goes through tensor::gemm
// (KokkosBlas, OpenBLAS underneath on the host), batched where the model has a batch.
#include "operators/op_util.hpp"
#include "operators/ops.hpp"

namespace eddyop::ops {

using namespace detail;
using tensor::gemm;
using tensor::gemm_batched;

namespace {

// y (rows, N) = b (N) on every row, so that the GEMM can accumulate onto it (beta = 1).
template <class T>
void fill_rows(T* y, const T* b, Index rows, Index n, const char* name) {
  Kokkos::parallel_for(
      name, range(rows * n), KOKKOS_LAMBDA(Index i) { y[i] = b[i % n]; });
}

// db (N) += sum over rows of dy (rows, N).
template <class T>
void sum_rows(T* db, const T* dy, Index rows, Index n, const char* name) {
  Kokkos::parallel_for(
      name, range(n), KOKKOS_LAMBDA(Index j) {
        T s = 0;
        for (Index r = 0; r < rows; ++r) s += dy[r * n + j];
        db[j] += s;
      });
}

}  // namespace

template <class T>
Var<T> linear(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b) {
  const Shape& xs = x->shape();
  const Index K = xs[-1], N = w->shape()[0], M = xs.numel() / (K ? K : 1);
  EDDYOP_CHECK(w->shape() == Shape({N, K}), "linear",
               "weight " << w->shape().str() << " does not fit input " << xs.str());
  EDDYOP_CHECK(!b || b->shape() == Shape({N}), "linear", "bias " << b->shape().str());
  Shape ys = xs;
  ys[-1] = N;
  auto y = tape.make(ys, tape.needs_grad(x) || tape.needs_grad(w) || (b && tape.needs_grad(b)));
  T* yp = y->value.ptr();
  if (b) fill_rows(yp, b->value.ptr(), M, N, "eddyop::linear::forward::bias");
  gemm(yp, x->value.ptr(), w->value.ptr(), M, N, K, Trans::no, Trans::yes, T(1), b ? T(1) : T(0));
  if (y->requires_grad) {
    tape.record("eddyop::linear::backward", [&tape, x, w, b, y, M, N, K]() {
      if (!reached(y)) return;
      const T* dy = y->grad.ptr();
      if (tape.needs_grad(x))  // dx (M, K) += dy (M, N) w (N, K)
        gemm(tape.grad(x).ptr(), dy, w->value.ptr(), M, K, N, Trans::no, Trans::no, T(1), T(1));
      if (tape.needs_grad(w))  // dw (N, K) += dy^T (N, M) x (M, K)
        gemm(tape.grad(w).ptr(), dy, x->value.ptr(), N, K, M, Trans::yes, Trans::no, T(1), T(1));
      if (b && tape.needs_grad(b))
        sum_rows(tape.grad(b).ptr(), dy, M, N, "eddyop::linear::backward::bias");
    });
  }
  return y;
}

template <class T>
Var<T> pointwise_conv(Tape<T>& tape, const Var<T>& x, const Var<T>& w, const Var<T>& b) {
  const Shape& xs = x->shape();
  EDDYOP_CHECK(xs.rank() >= 2, "pointwise_conv", "input " << xs.str() << " is not (B, C, S...)");
  const Index B = xs[0], Cin = xs[1], P = xs.span(2, xs.rank()), Cout = w->shape()[0];
  EDDYOP_CHECK(w->shape() == Shape({Cout, Cin}), "pointwise_conv",
               "weight " << w->shape().str() << " does not fit input " << xs.str());
  EDDYOP_CHECK(!b || b->shape() == Shape({Cout}), "pointwise_conv", "bias " << b->shape().str());
  Shape ys = xs;
  ys[1] = Cout;
  auto y = tape.make(ys, tape.needs_grad(x) || tape.needs_grad(w) || (b && tape.needs_grad(b)));
  T* yp = y->value.ptr();
  if (b) {
    const T* bp = b->value.ptr();
    Kokkos::parallel_for(
        "eddyop::pointwise_conv::forward::bias", range(B * Cout * P),
        KOKKOS_LAMBDA(Index i) { yp[i] = bp[(i / P) % Cout]; });
  }
  // One GEMM per sample: y_b (Cout, P) = w (Cout, Cin) x_b (Cin, P); P is large, so each is big.
  gemm_batched(yp, w->value.ptr(), x->value.ptr(), Cout, P, Cin, Trans::no, Trans::no, T(1),
               b ? T(1) : T(0), B, Cout * P, 0, Cin * P);
  if (y->requires_grad) {
    tape.record("eddyop::pointwise_conv::backward", [&tape, x, w, b, y, B, Cin, Cout, P]() {
      if (!reached(y)) return;
      const T* dy = y->grad.ptr();
      if (tape.needs_grad(x))  // dx_b (Cin, P) += w^T (Cin, Cout) dy_b (Cout, P)
        gemm_batched(tape.grad(x).ptr(), w->value.ptr(), dy, Cin, P, Cout, Trans::yes, Trans::no,
                     T(1), T(1), B, Cin * P, 0, Cout * P);
      if (tape.needs_grad(w))  // dw (Cout, Cin) += sum_b dy_b (Cout, P) x_b^T (P, Cin)
        gemm_batched(tape.grad(w).ptr(), dy, x->value.ptr(), Cout, Cin, P, Trans::no, Trans::yes,
                     T(1), T(1), B, 0, Cout * P, Cin * P);
      if (b && tape.needs_grad(b)) {
        add_channel_sums(tape.grad(b).ptr(), dy, B, Cout, P,
                         "eddyop::pointwise_conv::backward::bias");
      }
    });
  }
  return y;
}

template <class T>
Var<T> matmul(Tape<T>& tape, const Var<T>& a, const Var<T>& b, Trans ta, Trans tb) {
  const Shape& as = a->shape();
  const Shape& bs = b->shape();
  EDDYOP_CHECK(as.rank() >= 2 && bs.rank() >= 2, "matmul",
               "operands " << as.str() << " and " << bs.str() << " need two axes");
  const Index M = ta == Trans::no ? as[-2] : as[-1], K = ta == Trans::no ? as[-1] : as[-2];
  const Index N = tb == Trans::no ? bs[-1] : bs[-2], Kb = tb == Trans::no ? bs[-2] : bs[-1];
  EDDYOP_CHECK(K == Kb, "matmul", "inner sizes differ: " << as.str() << " and " << bs.str());
  const Index batch = as.span(0, as.rank() - 2);
  const bool shared = bs.rank() == 2;
  EDDYOP_CHECK(shared || bs.span(0, bs.rank() - 2) == batch, "matmul",
               "batch axes differ: " << as.str() << " and " << bs.str());
  std::vector<Index> ys(as.sizes().begin(), as.sizes().end() - 2);
  ys.push_back(M);
  ys.push_back(N);
  auto c = tape.make(Shape(ys), tape.needs_grad(a) || tape.needs_grad(b));
  const Index sb = shared ? 0 : K * N;
  gemm_batched(c->value.ptr(), a->value.ptr(), b->value.ptr(), M, N, K, ta, tb, T(1), T(0), batch,
               M * N, M * K, sb);
  if (c->requires_grad) {
    tape.record("eddyop::matmul::backward", [&tape, a, b, c, ta, tb, M, N, K, batch, sb]() {
      if (!reached(c)) return;
      const T* dc = c->grad.ptr();
      const Trans no = Trans::no, yes = Trans::yes;
      if (tape.needs_grad(a)) {
        T* da = tape.grad(a).ptr();
        if (ta == no)  // da (M, K) += dc (M, N) op(b)^T
          gemm_batched(da, dc, b->value.ptr(), M, K, N, no, tb == no ? yes : no, T(1), T(1), batch,
                       M * K, M * N, sb);
        else  // da (K, M) += op(b) (K, N) dc^T (N, M)
          gemm_batched(da, b->value.ptr(), dc, K, M, N, tb, yes, T(1), T(1), batch, M * K, sb,
                       M * N);
      }
      if (tape.needs_grad(b)) {
        T* db = tape.grad(b).ptr();
        if (tb == no)  // db (K, N) += op(a)^T (K, M) dc (M, N)
          gemm_batched(db, a->value.ptr(), dc, K, N, M, ta == no ? yes : no, no, T(1), T(1), batch,
                       sb, M * K, M * N);
        else  // db (N, K) += dc^T (N, M) op(a) (M, K)
          gemm_batched(db, dc, a->value.ptr(), N, K, M, yes, ta, T(1), T(1), batch, sb, M * N,
                       M * K);
      }
    });
  }
  return c;
}

#define EDDYOP_INSTANTIATE(T)                                                               \
  template Var<T> linear<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&);         \
  template Var<T> pointwise_conv<T>(Tape<T>&, const Var<T>&, const Var<T>&, const Var<T>&); \
  template Var<T> matmul<T>(Tape<T>&, const Var<T>&, const Var<T>&, Trans, Trans);
EDDYOP_INSTANTIATE(float)
EDDYOP_INSTANTIATE(double)

}  // namespace eddyop::ops
