#include "core/tensor/gemm.hpp"

#include <cblas.h>

#include <KokkosBlas3_gemm.hpp>
#include <algorithm>
#include <complex>
#include <type_traits>

#include "core/tensor/host_pool.hpp"

namespace eddyop::tensor {

namespace {

// On the host (host_parts()) the GEMMs go to OpenBLAS's CBLAS directly, so that a large one can be
// cut into blocks for the engine's host parts (host_pool.hpp); on a device, through KokkosBlas
// (cuBLAS).

template <class T>
using Matrix =
    Kokkos::View<T**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class T>
using ConstMatrix =
    Kokkos::View<const T**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

const char* code(Trans t) {
  return t == Trans::no ? "N" : t == Trans::yes ? "T" : "C";
}

CBLAS_TRANSPOSE cblas_code(Trans t) {
  return t == Trans::no ? CblasNoTrans : t == Trans::yes ? CblasTrans : CblasConjTrans;
}

// One row-major CBLAS call with explicit leading dimensions, for each element type.
void blas(float* C, const float* A, const float* B, Index M, Index N, Index K, Trans ta, Trans tb,
          float alpha, float beta, Index lda, Index ldb, Index ldc) {
  cblas_sgemm(CblasRowMajor, cblas_code(ta), cblas_code(tb), static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), alpha, A, static_cast<blasint>(lda),
              B, static_cast<blasint>(ldb), beta, C, static_cast<blasint>(ldc));
}
void blas(double* C, const double* A, const double* B, Index M, Index N, Index K, Trans ta,
          Trans tb, double alpha, double beta, Index lda, Index ldb, Index ldc) {
  cblas_dgemm(CblasRowMajor, cblas_code(ta), cblas_code(tb), static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), alpha, A, static_cast<blasint>(lda),
              B, static_cast<blasint>(ldb), beta, C, static_cast<blasint>(ldc));
}
void blas(std::complex<float>* C, const std::complex<float>* A, const std::complex<float>* B,
          Index M, Index N, Index K, Trans ta, Trans tb, std::complex<float> alpha,
          std::complex<float> beta, Index lda, Index ldb, Index ldc) {
  cblas_cgemm(CblasRowMajor, cblas_code(ta), cblas_code(tb), static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), &alpha, A,
              static_cast<blasint>(lda), B, static_cast<blasint>(ldb), &beta, C,
              static_cast<blasint>(ldc));
}
void blas(std::complex<double>* C, const std::complex<double>* A, const std::complex<double>* B,
          Index M, Index N, Index K, Trans ta, Trans tb, std::complex<double> alpha,
          std::complex<double> beta, Index lda, Index ldb, Index ldc) {
  cblas_zgemm(CblasRowMajor, cblas_code(ta), cblas_code(tb), static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), &alpha, A,
              static_cast<blasint>(lda), B, static_cast<blasint>(ldb), &beta, C,
              static_cast<blasint>(ldc));
}

// Below this many multiply-adds (all batch entries together) a GEMM stays on the calling thread:
// waking a pool thread costs about as much as the work.
constexpr Index kSplitWork = Index{1} << 19;

// The host batched GEMM, cut into host_threads() parts of disjoint blocks of C when it is large
// and Kokkos runs on the host (and it is not itself called from a part). By batch entries
// when every entry has its own C and there are enough of them; otherwise by rows (or columns,
// whichever C has more of) of every entry's C, so that a shared C (stride_c == 0, gradients summed
// over the batch) is summed in batch order by one part per block. The cut depends only on the
// sizes: results do not depend on timing.
template <class E>
void host_gemm(E* C, const E* A, const E* B, Index M, Index N, Index K, Trans ta, Trans tb, E alpha,
               E beta, Index batch, Index stride_c, Index stride_a, Index stride_b) {
  const Index lda = std::max<Index>(1, ta == Trans::no ? K : M),
              ldb = std::max<Index>(1, tb == Trans::no ? N : K);
  auto entries = [&](Index b0, Index b1, Index m0, Index m1, Index n0, Index n1) {
    for (Index i = b0; i < b1; ++i) {
      const E* a = A + i * stride_a + (ta == Trans::no ? m0 * lda : m0);
      const E* b = B + i * stride_b + (tb == Trans::no ? n0 : n0 * ldb);
      E* c = C + i * stride_c + m0 * N + n0;
      blas(c, a, b, m1 - m0, n1 - n0, K, ta, tb, alpha, beta, lda, ldb, N);
    }
  };
  const bool complex = !std::is_floating_point<E>::value;
  const Index work = batch * M * N * K * (complex ? 4 : 1);
  Index parts = work >= kSplitWork && !in_host_part() ? host_threads() : 1;
  if (parts <= 1) return entries(0, batch, 0, M, 0, N);
  if (stride_c != 0 && batch >= parts) {
    run_parts(static_cast<int>(parts),
              [&](int p) { entries(batch * p / parts, batch * (p + 1) / parts, 0, M, 0, N); });
    return;
  }
  // Blocks of whole SIMD tiles of C: rows in 8s, columns in 16s.
  const bool by_rows = M >= N;
  const Index extent = by_rows ? M : N, tile = by_rows ? 8 : 16;
  const Index tiles = (extent + tile - 1) / tile;
  parts = std::min(parts, tiles);
  if (parts <= 1) return entries(0, batch, 0, M, 0, N);
  run_parts(static_cast<int>(parts), [&](int p) {
    const Index lo = std::min(extent, tile * (tiles * p / parts));
    const Index hi = std::min(extent, tile * (tiles * (p + 1) / parts));
    if (by_rows) {
      entries(0, batch, lo, hi, 0, N);
    } else {
      entries(0, batch, 0, M, lo, hi);
    }
  });
}

}  // namespace

template <class T>
bool gemm_uses_vendor_blas() {
  if (host_parts()) return true;  // CBLAS, called above
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
  gemm_batched(C, A, B, M, N, K, ta, tb, alpha, beta, 1, 0, 0, 0);
}

template <class T>
void gemm_batched(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                  T alpha, T beta, Index batch, Index stride_c, Index stride_a, Index stride_b) {
  if (M == 0 || N == 0 || batch == 0) return;
  if (K == 0) {
    // BLAS leaves C untouched only when beta == 1; make the empty sum explicit (a shared C,
    // stride_c == 0, once per batch entry as the sum would).
    for (Index i = 0; i < batch; ++i) {
      T* c = C + i * stride_c;
      Kokkos::parallel_for(
          "eddyop::gemm::empty", Kokkos::RangePolicy<ExecSpace>(0, M * N),
          KOKKOS_LAMBDA(Index j) { c[j] = beta == T(0) ? T(0) : beta * c[j]; });
    }
    return;
  }
  if constexpr (host_parts()) {
    host_gemm(C, A, B, M, N, K, ta, tb, alpha, beta, batch, stride_c, stride_a, stride_b);
  } else {
    const auto m = static_cast<std::size_t>(M), n = static_cast<std::size_t>(N),
               k = static_cast<std::size_t>(K);
    for (Index i = 0; i < batch; ++i) {
      ConstMatrix<T> a(A + i * stride_a, ta == Trans::no ? m : k, ta == Trans::no ? k : m);
      ConstMatrix<T> b(B + i * stride_b, tb == Trans::no ? k : n, tb == Trans::no ? n : k);
      Matrix<T> c(C + i * stride_c, m, n);
      KokkosBlas::gemm(code(ta), code(tb), alpha, a, b, beta, c);
    }
  }
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
  if (M == 0 || N == 0 || batch == 0) return;
  if constexpr (host_parts()) {
    // Interleaved (re, im) pairs are std::complex's layout; strides count T, hence the halves.
    using Z = std::complex<T>;
    host_gemm(reinterpret_cast<Z*>(C), reinterpret_cast<const Z*>(A), reinterpret_cast<const Z*>(B),
              M, N, K, ta, tb, Z(1), Z(beta), batch, stride_c / 2, stride_a / 2, stride_b / 2);
  } else {
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
