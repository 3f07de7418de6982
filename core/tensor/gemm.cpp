#include "core/tensor/gemm.hpp"

#include <KokkosBlas3_gemm.hpp>
#include <type_traits>

namespace eddyop::tensor {

namespace {

template <class T>
using Matrix =
    Kokkos::View<T**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class T>
using ConstMatrix =
    Kokkos::View<const T**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

const char* code(Trans t) {
  return t == Trans::no ? "N" : t == Trans::yes ? "T" : "C";
}

}  // namespace

template <class T>
bool gemm_uses_vendor_blas() {
  // The types KokkosBlas::gemm dispatches on: its operands re-wrapped with the device type.
  using Device = typename Matrix<T>::device_type;
  using Um = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
  using A = Kokkos::View<const T**, Kokkos::LayoutRight, Device, Um>;
  using C = Kokkos::View<T**, Kokkos::LayoutRight, Device, Um>;
#if defined(KOKKOSKERNELS_VERSION) && KOKKOSKERNELS_VERSION >= 40000
  // KokkosKernels 4 asks about an execution space as well.
  using Avail = KokkosBlas::Impl::gemm_tpl_spec_avail<typename Device::execution_space, A, A, C>;
#else
  using Avail = KokkosBlas::Impl::gemm_tpl_spec_avail<A, A, C>;
#endif
  return Avail::value;
}

template <class T>
void gemm(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb, T alpha,
          T beta) {
  if (M == 0 || N == 0) return;
  const auto m = static_cast<std::size_t>(M), n = static_cast<std::size_t>(N),
             k = static_cast<std::size_t>(K);
  ConstMatrix<T> a(A, ta == Trans::no ? m : k, ta == Trans::no ? k : m);
  ConstMatrix<T> b(B, tb == Trans::no ? k : n, tb == Trans::no ? n : k);
  Matrix<T> c(C, m, n);
  if (K == 0) {
    // BLAS leaves C untouched only when beta == 1; make the empty sum explicit.
    Kokkos::parallel_for(
        "eddyop::gemm::empty", Kokkos::RangePolicy<ExecSpace>(0, M * N),
        KOKKOS_LAMBDA(Index i) { C[i] = beta == T(0) ? T(0) : beta * C[i]; });
    return;
  }
  KokkosBlas::gemm(code(ta), code(tb), alpha, a, b, beta, c);
}

template <class T>
void gemm_batched(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                  T alpha, T beta, Index batch, Index stride_c, Index stride_a, Index stride_b) {
  for (Index i = 0; i < batch; ++i)
    gemm(C + i * stride_c, A + i * stride_a, B + i * stride_b, M, N, K, ta, tb, alpha, beta);
}

template <class T>
void gemm_reference(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                    T alpha, T beta) {
  for (Index i = 0; i < M; ++i)
    for (Index j = 0; j < N; ++j) {
      double s = 0;
      for (Index p = 0; p < K; ++p) {
        const T a = ta == Trans::no ? A[i * K + p] : A[p * M + i];
        const T b = tb == Trans::no ? B[p * N + j] : B[j * K + p];
        s += static_cast<double>(a) * static_cast<double>(b);
      }
      const double old =
          beta == T(0) ? 0.0 : static_cast<double>(beta) * static_cast<double>(C[i * N + j]);
      C[i * N + j] = static_cast<T>(static_cast<double>(alpha) * s + old);
    }
}

template <class T>
void cgemm_batched(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                   T beta, Index batch, Index stride_c, Index stride_a, Index stride_b) {
  using Z = Kokkos::complex<T>;
  const auto m = static_cast<std::size_t>(M), n = static_cast<std::size_t>(N),
             k = static_cast<std::size_t>(K);
  for (Index i = 0; i < batch; ++i) {
    ConstMatrix<Z> a(reinterpret_cast<const Z*>(A + i * stride_a), ta == Trans::no ? m : k,
                     ta == Trans::no ? k : m);
    ConstMatrix<Z> b(reinterpret_cast<const Z*>(B + i * stride_b), tb == Trans::no ? k : n,
                     tb == Trans::no ? n : k);
    Matrix<Z> c(reinterpret_cast<Z*>(C + i * stride_c), m, n);
    KokkosBlas::gemm(code(ta), code(tb), Z(1), a, b, Z(beta), c);
  }
}

template <class T>
void cgemm_reference(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                     T beta) {
  for (Index i = 0; i < M; ++i)
    for (Index j = 0; j < N; ++j) {
      double re = 0, im = 0;
      for (Index p = 0; p < K; ++p) {
        const Index ia = ta == Trans::no ? i * K + p : p * M + i;
        const Index ib = tb == Trans::no ? p * N + j : j * K + p;
        const double ar = static_cast<double>(A[2 * ia]);
        const double ai = (ta == Trans::conj ? -1.0 : 1.0) * static_cast<double>(A[2 * ia + 1]);
        const double br = static_cast<double>(B[2 * ib]);
        const double bi = (tb == Trans::conj ? -1.0 : 1.0) * static_cast<double>(B[2 * ib + 1]);
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      T* c = C + 2 * (i * N + j);
      const double b = static_cast<double>(beta);
      c[0] = static_cast<T>(re + (beta == T(0) ? 0.0 : b * static_cast<double>(c[0])));
      c[1] = static_cast<T>(im + (beta == T(0) ? 0.0 : b * static_cast<double>(c[1])));
    }
}

#define EDDYOP_GEMM_INSTANTIATE(T)                                                                \
  template void cgemm_batched<T>(T*, const T*, const T*, Index, Index, Index, Trans, Trans, T,    \
                                 Index, Index, Index, Index);                                     \
  template void cgemm_reference<T>(T*, const T*, const T*, Index, Index, Index, Trans, Trans, T); \
                                                                                                  \
  template bool gemm_uses_vendor_blas<T>();                                                       \
  template void gemm<T>(T*, const T*, const T*, Index, Index, Index, Trans, Trans, T, T);         \
  template void gemm_batched<T>(T*, const T*, const T*, Index, Index, Index, Trans, Trans, T, T,  \
                                Index, Index, Index, Index);                                      \
  template void gemm_reference<T>(T*, const T*, const T*, Index, Index, Index, Trans, Trans, T, T);
EDDYOP_GEMM_INSTANTIATE(float)
EDDYOP_GEMM_INSTANTIATE(double)
#undef EDDYOP_GEMM_INSTANTIATE

}  // namespace eddyop::tensor
