#include "solvers/channel/poisson.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>

#include "solvers/pde/fftw_buffer.hpp"

namespace eddyop::solvers::channel {

namespace {
unsigned planner_flag(const std::string& name) {
  if (name == "estimate") return FFTW_ESTIMATE;
  if (name == "patient") return FFTW_PATIENT;
  return FFTW_MEASURE;
}
}  // namespace

struct Poisson::Impl {
  const Grid& g;
  int nx, nxh, ncy, nz, nzl;
  std::vector<int> l_start, l_count;  // x-wavenumber slabs of every rank
  int l0 = 0, nl = 0;
  int nzb = 0;                          // planes coming back: nzl, and on P > 1 the one above
  detail::FftwPtr<double> real;         // (nzb, ncy, nx)
  detail::FftwPtr<fftw_complex> spec;   // (nzb, ncy, nxh) after the x FFT
  detail::FftwPtr<fftw_complex> trans;  // (nz, ncy, nl) where z is complete
  std::vector<double> send, recv;       // transpose buffers
  std::vector<MPI_Request> reqs;        // 2 (P - 1) messages per transpose
  std::vector<int> send_counts, send_displs, recv_counts, recv_displs;
  // The way back carries one plane more per rank: the plane above its slab (periodic).
  std::vector<int> back_send_counts, back_send_displs, back_recv_counts, back_recv_displs;
  detail::Plan x_forward, x_backward, z_forward, z_backward;
  // Thomas factors per (k, j, 2 l + re/im): inverse pivots and modified upper diagonal, and the
  // lower diagonal per j. Duplicated for the real and imaginary parts so that the sweeps run
  // over contiguous memory.
  std::vector<double> inv, cup, low;

  Impl(const Grid& grid, const std::string& planner)
      : g(grid), nx(grid.nx), nxh(grid.nx / 2 + 1), ncy(grid.ncy), nz(grid.nz), nzl(grid.nzl) {
    l_start.resize(g.size);
    l_count.resize(g.size);
    int s = 0;
    for (int r = 0; r < g.size; ++r) {
      l_count[r] = nxh / g.size + (r < nxh % g.size ? 1 : 0);
      l_start[r] = s;
      s += l_count[r];
    }
    l0 = l_start[g.rank];
    nl = l_count[g.rank];
    nzb = g.size > 1 ? nzl + 1 : nzl;
    real = detail::fftw_alloc<double>(static_cast<std::size_t>(nzb) * ncy * nx);
    spec = detail::fftw_alloc<fftw_complex>(static_cast<std::size_t>(nzb) * ncy * nxh);
    const unsigned flag = planner_flag(planner);
    const int lines = nzl * ncy, lines_back = nzb * ncy;
    x_forward.reset(fftw_plan_many_dft_r2c(1, &nx, lines, real.get(), nullptr, 1, nx, spec.get(),
                                           nullptr, 1, nxh, flag));
    x_backward.reset(fftw_plan_many_dft_c2r(1, &nx, lines_back, spec.get(), nullptr, 1, nxh,
                                            real.get(), nullptr, 1, nx, flag));
    fftw_complex* zbuf = spec.get();
    if (g.size > 1) {
      trans =
          detail::fftw_alloc<fftw_complex>(static_cast<std::size_t>(nz) * ncy * std::max(nl, 1));
      zbuf = trans.get();
      send.resize(2L * nzb * ncy * nxh);
      recv.resize(2L * (nz + g.size) * ncy * std::max(nl, 1));
      reqs.resize(2 * static_cast<std::size_t>(g.size));
      for (auto* v : {&send_counts, &send_displs, &recv_counts, &recv_displs, &back_send_counts,
                      &back_send_displs, &back_recv_counts, &back_recv_displs})
        v->resize(g.size);
      int so = 0, ro = 0, bso = 0, bro = 0;
      for (int r = 0; r < g.size; ++r) {
        send_counts[r] = 2 * nzl * ncy * l_count[r];
        send_displs[r] = so;
        so += send_counts[r];
        recv_counts[r] = 2 * g.z_count[r] * ncy * nl;
        recv_displs[r] = ro;
        ro += recv_counts[r];
        back_send_counts[r] = 2 * (g.z_count[r] + 1) * ncy * nl;
        back_send_displs[r] = bso;
        bso += back_send_counts[r];
        back_recv_counts[r] = 2 * nzb * ncy * l_count[r];
        back_recv_displs[r] = bro;
        bro += back_recv_counts[r];
      }
    }
    // z transforms over the z-complete layout (nz, ncy*nl): stride ncy*nl, one per column.
    const int m = ncy * nl;
    if (m > 0) {
      z_forward.reset(fftw_plan_many_dft(1, &nz, m, zbuf, nullptr, m, 1, zbuf, nullptr, m, 1,
                                         FFTW_FORWARD, flag));
      z_backward.reset(fftw_plan_many_dft(1, &nz, m, zbuf, nullptr, m, 1, zbuf, nullptr, m, 1,
                                          FFTW_BACKWARD, flag));
    }
    factorise();
  }

  void factorise() {
    const double dx2 = g.dx * g.dx, dz2 = g.dz * g.dz;
    low.assign(ncy, 0.0);
    std::vector<double> up(ncy, 0.0), diag(ncy, 0.0);
    for (int j = 0; j < ncy; ++j) {
      // Neumann walls: the flux through the wall faces is zero, so those terms are absent.
      low[j] = j > 0 ? 1.0 / (g.Dyc(j - 1) * g.Dyf(j)) : 0.0;
      up[j] = j < ncy - 1 ? 1.0 / (g.Dyc(j) * g.Dyf(j)) : 0.0;
      diag[j] = -low[j] - up[j];
    }
    const long w = 2L * nl;
    inv.assign(static_cast<std::size_t>(nz) * ncy * w, 0.0);
    cup.assign(inv.size(), 0.0);
    const double pi = std::acos(-1.0);
    for (int k = 0; k < nz; ++k) {
      const double lz = -(2.0 - 2.0 * std::cos(2.0 * pi * k / nz)) / dz2;
      for (int l = 0; l < nl; ++l) {
        const int lg = l0 + l;
        const double lam = lz - (2.0 - 2.0 * std::cos(2.0 * pi * lg / nx)) / dx2;
        double c_prev = 0.0;
        for (int j = 0; j < ncy; ++j) {
          const double pivot = diag[j] + lam - low[j] * c_prev;
          double iv = 1.0 / pivot;
          // The mean mode is singular (Neumann): its last pivot is zero up to round-off, and
          // setting φ = 0 there picks one solution of the consistent system.
          if (k == 0 && lg == 0 && j == ncy - 1) iv = 0.0;
          const double cp = up[j] * iv;
          const long at = (static_cast<long>(k) * ncy + j) * w + 2L * l;
          inv[at] = inv[at + 1] = iv;
          cup[at] = cup[at + 1] = cp;
          c_prev = cp;
        }
      }
    }
  }

  // The transposes exchange the blocks of the other ranks with nonblocking messages and copy
  // this rank's own block straight between the two layouts while they travel (an all-to-all
  // would pack, copy and unpack it too).
  void transpose_forward() {  // (nzl, ncy, nxh) -> (nz, ncy, nl)
    const double* s = reinterpret_cast<const double*>(spec.get());
    double* t = reinterpret_cast<double*>(trans.get());
    int nreq = 0;
    for (int r = 0; r < g.size; ++r)
      if (r != g.rank)
        MPI_Irecv(recv.data() + recv_displs[r], recv_counts[r], MPI_DOUBLE, r, 40, g.comm,
                  &reqs[nreq++]);
    for (int r = 0; r < g.size; ++r) {
      if (r == g.rank) continue;
      double* o = send.data() + send_displs[r];
      for (int k = 0; k < nzl; ++k)
        for (int j = 0; j < ncy; ++j) {
          const double* from = s + 2L * ((static_cast<long>(k) * ncy + j) * nxh + l_start[r]);
          o = std::copy(from, from + 2L * l_count[r], o);
        }
      MPI_Isend(send.data() + send_displs[r], send_counts[r], MPI_DOUBLE, r, 40, g.comm,
                &reqs[nreq++]);
    }
    for (int k = 0; k < nzl; ++k)
      for (int j = 0; j < ncy; ++j) {
        const double* from = s + 2L * ((static_cast<long>(k) * ncy + j) * nxh + l0);
        std::copy(from, from + 2L * nl, t + 2L * ((static_cast<long>(g.z0 + k) * ncy + j) * nl));
      }
    MPI_Waitall(nreq, reqs.data(), MPI_STATUSES_IGNORE);
    for (int r = 0; r < g.size; ++r) {
      if (r == g.rank) continue;
      const double* o = recv.data() + recv_displs[r];
      for (int k = 0; k < g.z_count[r]; ++k) {
        const long kg = g.z_start[r] + k;
        std::copy(o, o + 2L * ncy * nl, t + 2L * kg * ncy * nl);
        o += 2L * ncy * nl;
      }
    }
  }

  // (nz, ncy, nl) -> (nzl + 1, ncy, nxh): each rank gets its planes and the one above them, so
  // that φ's upper z ghost plane needs no exchange of its own.
  void transpose_backward() {
    const double* t = reinterpret_cast<const double*>(trans.get());
    double* s = reinterpret_cast<double*>(spec.get());
    int nreq = 0;
    for (int r = 0; r < g.size; ++r)
      if (r != g.rank)
        MPI_Irecv(send.data() + back_recv_displs[r], back_recv_counts[r], MPI_DOUBLE, r, 41, g.comm,
                  &reqs[nreq++]);
    for (int r = 0; r < g.size; ++r) {
      if (r == g.rank) continue;
      double* o = recv.data() + back_send_displs[r];
      for (int k = 0; k <= g.z_count[r]; ++k) {
        const long kg = (g.z_start[r] + k) % nz;
        o = std::copy(t + 2L * kg * ncy * nl, t + 2L * (kg + 1) * ncy * nl, o);
      }
      MPI_Isend(recv.data() + back_send_displs[r], back_send_counts[r], MPI_DOUBLE, r, 41, g.comm,
                &reqs[nreq++]);
    }
    for (int k = 0; k < nzb; ++k) {
      const long kg = (g.z0 + k) % nz;
      for (int j = 0; j < ncy; ++j) {
        const double* from = t + 2L * ((kg * ncy + j) * nl);
        std::copy(from, from + 2L * nl, s + 2L * ((static_cast<long>(k) * ncy + j) * nxh + l0));
      }
    }
    MPI_Waitall(nreq, reqs.data(), MPI_STATUSES_IGNORE);
    for (int r = 0; r < g.size; ++r) {
      if (r == g.rank) continue;
      const double* o = send.data() + back_recv_displs[r];
      for (int k = 0; k < nzb; ++k)
        for (int j = 0; j < ncy; ++j) {
          double* to = s + 2L * ((static_cast<long>(k) * ncy + j) * nxh + l_start[r]);
          std::copy(o, o + 2L * l_count[r], to);
          o += 2L * l_count[r];
        }
    }
  }

  // Thomas sweeps for every (k, l) line at once, vectorised over l.
  void tridiagonal(double* a /* (nz, ncy, 2 nl) */) {
    const long w = 2L * nl;
    for (int k = 0; k < nz; ++k) {
      double* base = a + static_cast<long>(k) * ncy * w;
      const double* iv = inv.data() + static_cast<long>(k) * ncy * w;
      const double* cp = cup.data() + static_cast<long>(k) * ncy * w;
      for (long q = 0; q < w; ++q) base[q] *= iv[q];
      for (int j = 1; j < ncy; ++j) {
        double* d = base + j * w;
        const double* dm = d - w;
        const double* ivj = iv + j * w;
        const double lj = low[j];
        for (long q = 0; q < w; ++q) d[q] = (d[q] - lj * dm[q]) * ivj[q];
      }
      for (int j = ncy - 2; j >= 0; --j) {
        double* d = base + j * w;
        const double* dp = d + w;
        const double* cpj = cp + j * w;
        for (long q = 0; q < w; ++q) d[q] -= cpj[q] * dp[q];
      }
    }
  }

  void solve(double* rhs, double* above, PhaseTimes* times) {
    const std::size_t n = static_cast<std::size_t>(nzl) * ncy * nx;
    const double scale = 1.0 / (static_cast<double>(nx) * nz);  // FFTW does not normalise
    PhaseTimer tx(times, Phase::fft_x);
    for (std::size_t q = 0; q < n; ++q) real[q] = rhs[q] * scale;
    fftw_execute(x_forward.get());
    tx.stop();
    fftw_complex* zbuf = spec.get();
    if (g.size > 1) {
      PhaseTimer tt(times, Phase::transpose);
      transpose_forward();
      zbuf = trans.get();
    }
    if (nl > 0) {
      PhaseTimer tz(times, Phase::fft_z);
      fftw_execute_dft(z_forward.get(), zbuf, zbuf);
      tz.stop();
      PhaseTimer ty(times, Phase::tridiagonal);
      tridiagonal(reinterpret_cast<double*>(zbuf));
      ty.stop();
      PhaseTimer tz2(times, Phase::fft_z);
      fftw_execute_dft(z_backward.get(), zbuf, zbuf);
    }
    if (g.size > 1) {
      PhaseTimer tt(times, Phase::transpose);
      transpose_backward();
    }
    PhaseTimer tx2(times, Phase::fft_x);
    fftw_execute(x_backward.get());
    std::copy(real.get(), real.get() + n, rhs);
    const std::size_t plane = static_cast<std::size_t>(ncy) * nx;
    if (above != nullptr)  // on one rank the plane above the slab is its first (periodic z)
      std::copy(real.get() + (nzb > nzl ? n : 0), real.get() + (nzb > nzl ? n : 0) + plane, above);
  }
};

Poisson::Poisson(const Grid& g, const std::string& planner)
    : impl_(std::make_unique<Impl>(g, planner)) {}
Poisson::~Poisson() = default;
void Poisson::solve(double* rhs, double* above, PhaseTimes* times) {
  impl_->solve(rhs, above, times);
}

}  // namespace eddyop::solvers::channel
