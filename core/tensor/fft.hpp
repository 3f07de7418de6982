// The FFT wrapper of the engine: batched real-to-complex and complex-to-real transforms over the
// trailing axes of contiguous tensors, FFTW underneath on the host (float and double), plans
// cached by (scalar, direction, sizes, batch, threads, effort). Complex values are interleaved
// (re, im) pairs of the real scalar. Unnormalised in both directions, as FFTW: c2r(r2c(x)) = N x.
//
// A GPU build adds its library (cuFFT, hipFFT) behind the same two calls; nothing in operators/
// knows which one runs.
#pragma once

#include <vector>

#include "core/tensor/tensor.hpp"

namespace eddyop::tensor::fft {

// Threads FFTW may use for a transform (from the case file's settings); 1 by default.
void set_threads(int threads);
int threads();
// Planner effort: false = FFTW_ESTIMATE (fast to plan; tests), true = FFTW_MEASURE (benchmarks
// and long training runs: planned once, reused for every step).
void set_measure(bool measure);
// Drops every cached plan (after a change of threads, or to free memory).
void clear_plans();

// out (howmany, n_0, ..., n_{d-1}/2+1, 2) = rfft over the trailing d axes of
// in (howmany, n_0, ..., n_{d-1}). Both pointers 16-byte aligned (arena memory is).
template <class T>
void r2c(T* out, const T* in, Index howmany, const std::vector<Index>& dims);

// out (howmany, n_0, ..., n_{d-1}) = irfft of in (howmany, n_0, ..., n_{d-1}/2+1, 2), without
// the 1/N. `in` is destroyed (FFTW's multi-dimensional c2r uses it as workspace). Where `in`
// is not Hermitian along the zero (and Nyquist) planes of the last axis, the result is the real
// part of the full inverse sum, as PyTorch's irfftn: hermitian_fold() makes that well-defined.
template <class T>
void c2r(T* out, T* in, Index howmany, const std::vector<Index>& dims);

// The transforms of a spectral convolution, pruned to the columns k_{d-1} < kept of the half
// spectrum: a 1-D transform of every row along the last axis, and the transform over the first
// d-1 axes only where k_{d-1} < kept (with 12 of 33 columns kept, about a third of the work).
//
// r2c_kept: out (howmany, n_0, ..., n_{d-1}/2+1, 2) holds the rfft of in (howmany, n_0, ...,
// n_{d-1}) at every k with k_{d-1} < kept; its other entries hold intermediate values.
template <class T>
void r2c_kept(T* out, const T* in, Index howmany, const std::vector<Index>& dims, Index kept);

// c2r_kept: out (howmany, n_0, ..., n_{d-1}) = Re(sum over k with k_{d-1} < kept of c_k in[k]
// e^{ikx}), c_k = 1 where k_{d-1} is 0 or n_{d-1}/2 and 2 elsewhere, without the 1/N: what c2r
// computes after hermitian_fold, for a spectrum that is zero where k_{d-1} >= kept. Entries of
// in with k_{d-1} >= kept are not read; in is destroyed.
template <class T>
void c2r_kept(T* out, T* in, Index howmany, const std::vector<Index>& dims, Index kept);

// Replaces, on the planes k_{d-1} = 0 and (n_{d-1} even) k_{d-1} = n_{d-1}/2 of the half
// spectrum, X[k] by (X[k] + conj(X[-k])) / 2 (k negated on the other axes): c2r of the result is
// then, for any FFT library, Re(sum_k c_k X[k] e^{ikx}) with c_k = 1 on those planes and 2
// elsewhere, which is what the spectral convolution's forward and backward rely on.
template <class T>
void hermitian_fold(T* spectrum, Index howmany, const std::vector<Index>& dims);

}  // namespace eddyop::tensor::fft
