// The one GEMM wrapper of the engine: row-major matrices, optional transposes. On the host,
// OpenBLAS's CBLAS; where Kokkos runs on one host thread, OpenBLAS runs at one thread and a large
// GEMM is cut into blocks of C for the engine's host pool (host_pool.hpp). On a device,
// KokkosBlas::gemm (cuBLAS). Every caller in operators/ goes through here, so that the BLAS path
// is chosen and checked in one place.
#pragma once

#include <Kokkos_Complex.hpp>

#include "core/tensor/tensor.hpp"

namespace eddyop::tensor {

enum class Trans { no, yes, conj };  // conj: conjugate transpose (complex only)

// C = alpha * op(A) * op(B) + beta * C, all row-major and contiguous.
//   C (M, N); A (M, K), or (K, M) when ta == yes; B (K, N), or (N, K) when tb == yes.
template <class T>
void gemm(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb, T alpha,
          T beta);

// `batch` independent GEMMs at fixed strides (in elements) between consecutive matrices; a stride
// of 0 reuses one matrix for every batch entry (a shared weight).
template <class T>
void gemm_batched(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                  T alpha, T beta, Index batch, Index stride_c, Index stride_a, Index stride_b);

// Complex GEMMs on interleaved (re, im) storage: each matrix of `batch` holds 2*rows*cols T.
// Used by the spectral convolution's mode mixing (one GEMM per kept mode).
template <class T>
void cgemm_batched(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                   T beta, Index batch, Index stride_c, Index stride_a, Index stride_b);
template <class T>
void cgemm_reference(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                     T beta);

// The slow, obvious twin: three loops in double accumulation. Tests compare the two.
template <class T>
void gemm_reference(T* C, const T* A, const T* B, Index M, Index N, Index K, Trans ta, Trans tb,
                    T alpha, T beta);

// True when GEMMs of T reach a vendor BLAS: CBLAS on the host, or KokkosKernels' TPL on a device.
template <class T>
bool gemm_uses_vendor_blas();

}  // namespace eddyop::tensor
