#include "solvers/channel/solver.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "solvers/channel/implicit_y.hpp"
#include "solvers/channel/momentum.hpp"
#include "solvers/channel/poisson.hpp"
#include "solvers/channel/sgs.hpp"

namespace eddyop::solvers::channel {

namespace {

// CaNS's low-storage RK3 (Wray): u^{s+1} = u^s + Δt(γ_s H^s + ζ_s H^{s-1}), α_s = γ_s + ζ_s.
constexpr double kGamma[3] = {8.0 / 15.0, 5.0 / 12.0, 3.0 / 4.0};
constexpr double kZeta[3] = {0.0, -17.0 / 60.0, -5.0 / 12.0};

// A uniform number in [-1, 1) from (seed, component, global cell): the same on any rank count.
double hashed_uniform(std::uint64_t seed, std::uint64_t c, std::uint64_t i, std::uint64_t j,
                      std::uint64_t k) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + (((c * 4099 + k) * 65537 + j) * 131101 + i);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
}

}  // namespace

struct ChannelSolver::Impl {
  ChannelParams prm;
  Grid g;
  Field u, v, w, p, phi;  // state, and the pressure correction
  Field hu, hv, hw;       // H of this substage
  Field ou, ov, ow;       // H of the previous substage
  Field du, dv, dw;       // ν ∂yy u, then the increment δ
  Field nut;
  Field su, sv, sw;  // the SGS force ∂_j(2 ν_t S_ij) of the step's start, held over its substages
  Poisson poisson;
  std::vector<double> rhs;    // (nzl, ncy, nx)
  std::vector<double> above;  // φ on the plane above the slab (ncy, nx)
  std::vector<double> work;
  SgsWork sgs_work;
  PhaseTimes times;
  HaloExchange pending;  // the state's halo exchange between two substages
  MPI_Request wreq[2];   // w's plane below, before fillps
  double rate = -1.0;    // rate_convective() of the current state; < 0: not measured yet
  double t = 0.0, dt_last = 0.0, force_mean = 0.0;
  long nsteps = 0;

  Impl(const ChannelParams& params, MPI_Comm comm)
      : prm(params),
        g(make_grid(params, comm)),
        u(g),
        v(g),
        w(g),
        p(g),
        phi(g),
        hu(g),
        hv(g),
        hw(g),
        ou(g),
        ov(g),
        ow(g),
        du(g),
        dv(g),
        dw(g),
        nut(g),
        su(params.sgs != SgsModel::none ? Field(g) : Field()),
        sv(params.sgs != SgsModel::none ? Field(g) : Field()),
        sw(params.sgs != SgsModel::none ? Field(g) : Field()),
        poisson(g, params.fftw_planner),
        rhs(static_cast<std::size_t>(g.nzl) * g.ncy * g.nx, 0.0),
        above(static_cast<std::size_t>(g.ncy) * g.nx, 0.0) {}

  // ν_t and the SGS force of the current state (velocity halos needed).
  void subgrid_model() {
    PhaseTimer ts(&times, Phase::sgs);
    sgs_viscosity(nut, u, v, w, g, prm, sgs_work);
    ts.stop();
    halo(nut, Wall::odd);
    PhaseTimer tf(&times, Phase::sgs);
    sgs_force(su, sv, sw, nut, u, v, w, g, sgs_work);
  }

  void halo(Field& f, Wall wall) {
    PhaseTimer th(&times, Phase::halo);
    update_halo(f, g, wall);
  }

  double base_force() const {
    return prm.forcing == Forcing::pressure_gradient ? 2.0 / g.ly : 0.0;  // u_τ²/h, u_τ = 1
  }

  void velocity_halo() {
    PhaseTimer th(&times, Phase::halo);
    update_halos({{&u, Wall::odd}, {&v, Wall::normal}, {&w, Wall::odd}}, g);
  }

  // What fillps reads beyond u*'s interior: u at i = -1 (periodic) and w on the plane below the
  // slab (v's wall ghost is 0 and stays so). One plane one way instead of the velocity's halo;
  // fillps of the planes k >= 1 runs while it travels.
  void begin_divergence_halo() {
    PhaseTimer th(&times, Phase::halo);
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) u.row(j, k)[-1] = u.row(j, k)[g.nx - 1];
    double* below = w.data.data() + w.index(-kGhost, -1, -1);       // plane k = -1
    double* top = w.data.data() + w.index(-kGhost, -1, g.nzl - 1);  // plane k = nzl - 1
    const int count = static_cast<int>(w.sz);
    if (g.size == 1) {
      std::copy(top, top + count, below);
      return;
    }
    MPI_Irecv(below, count, MPI_DOUBLE, g.z_down, 30, g.comm, &wreq[0]);
    MPI_Isend(top, count, MPI_DOUBLE, g.z_up, 30, g.comm, &wreq[1]);
  }
  void end_divergence_halo() {
    PhaseTimer th(&times, Phase::halo);
    if (g.size > 1) MPI_Waitall(2, wreq, MPI_STATUSES_IGNORE);
  }

  // The state's halos (velocity and pressure), valid whenever step() starts or returns.
  void state_halo() {
    begin_state_halo();
    end_state_halo();
  }
  // The same in two halves: between the substages the next momentum evaluation runs on the
  // inner planes while the planes are in flight.
  void begin_state_halo() {
    PhaseTimer th(&times, Phase::halo);
    begin_halos(pending, {{&u, Wall::odd}, {&v, Wall::normal}, {&w, Wall::odd}, {&p, Wall::even}},
                g);
  }
  void end_state_halo() {
    PhaseTimer th(&times, Phase::halo);
    end_halos(pending);
  }

  // r = ∇·u / (αΔt) into the compact array, on the planes [k_begin, k_end).
  void fillps(double alpha_dt, int k_begin, int k_end) {
    PhaseTimer tf(&times, Phase::fillps);
    const double dxi = 1.0 / g.dx, dzi = 1.0 / g.dz, s = 1.0 / alpha_dt;
    for (int k = k_begin; k < k_end; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double* U = u.row(j, k);
        const double* V = v.row(j, k);
        const double* W = w.row(j, k);
        double* r = rhs.data() + (static_cast<long>(k) * g.ncy + j) * g.nx;
        const double dyfi = 1.0 / g.Dyf(j);
        for (int i = 0; i < g.nx; ++i)
          r[i] = s * ((U[i] - U[i - 1]) * dxi + (V[i] - V[i - u.sy]) * dyfi +
                      (W[i] - W[i - u.sz]) * dzi);
      }
  }

  // u = u* - αΔt ∇φ on the interior (v on the walls stays 0).
  void correct(double alpha_dt) {
    PhaseTimer tc(&times, Phase::correct);
    const double cx = alpha_dt / g.dx, cz = alpha_dt / g.dz;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double* F = phi.row(j, k);
        double* U = u.row(j, k);
        double* W = w.row(j, k);
        for (int i = 0; i < g.nx; ++i) {
          U[i] -= cx * (F[i + 1] - F[i]);
          W[i] -= cz * (F[i + phi.sz] - F[i]);
        }
        if (j == g.ncy - 1) continue;
        double* V = v.row(j, k);
        const double cy = alpha_dt / g.Dyc(j);
        for (int i = 0; i < g.nx; ++i) V[i] -= cy * (F[i + phi.sy] - F[i]);
      }
  }

  // φ for the right-hand side in `rhs`; see fillps().
  void solve_pressure() {
    poisson.solve(rhs.data(), above.data(), &times);
    PhaseTimer tx(&times, Phase::fft_x);
    set_interior(phi, rhs);
    for (int j = 0; j < g.ncy; ++j)
      std::copy(above.begin() + static_cast<long>(j) * g.nx,
                above.begin() + static_cast<long>(j + 1) * g.nx, phi.row(j, g.nzl));
    tx.stop();
    // correct() and update_pressure() read φ at i + 1, j ± 1 and k + 1 only: the plane above
    // came with the solve, so φ needs no z exchange (its lower z ghosts are left stale).
    PhaseTimer th(&times, Phase::halo);
    update_halo_local(phi, Wall::even);
  }

  void substage(int s, double dt) {
    const double gam = kGamma[s], zet = kZeta[s], alpha = gam + zet;
    const double adt = alpha * dt, nu = prm.nu();
    const bool imp = prm.implicit_y, sgs = prm.sgs != SgsModel::none;
    // The state's halos are valid here (a setter or the last step filled them), or, after the
    // first substage, in flight: the planes that need no z ghosts go first.
    Field* ly[3] = {imp ? &du : nullptr, imp ? &dv : nullptr, imp ? &dw : nullptr};
    if (s > 0) {
      PhaseTimer tm(&times, Phase::momentum);
      momentum_rhs(hu, hv, hw, ly[0], ly[1], ly[2], u, v, w, g, nu, 1, g.nzl - 1);
      tm.stop();
      end_state_halo();
      PhaseTimer tb(&times, Phase::momentum);
      momentum_rhs(hu, hv, hw, ly[0], ly[1], ly[2], u, v, w, g, nu, 0, 1);
      momentum_rhs(hu, hv, hw, ly[0], ly[1], ly[2], u, v, w, g, nu, g.nzl - 1, g.nzl);
    } else {
      PhaseTimer tm(&times, Phase::momentum);
      momentum_rhs(hu, hv, hw, ly[0], ly[1], ly[2], u, v, w, g, nu);
    }
    // predict: δ into du, dv, dw
    PhaseTimer tp(&times, Phase::predict);
    const double f = base_force();
    const double lw = imp ? adt * nu : 0.0;
    const double cx = adt / g.dx, cz = adt / g.dz;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const long at = u.index(0, j, k);
        const double* P = p.data.data() + at;
        const double* HU = hu.data.data() + at;
        const double* HV = hv.data.data() + at;
        const double* HW = hw.data.data() + at;
        const double* OU = ou.data.data() + at;
        const double* OV = ov.data.data() + at;
        const double* OW = ow.data.data() + at;
        // The SGS force is constant over the step: its weights γ + ζ sum to αΔt per substage.
        const double* SU = sgs ? su.data.data() + at : nullptr;
        const double* SV = sgs ? sv.data.data() + at : nullptr;
        const double* SW = sgs ? sw.data.data() + at : nullptr;
        double* DU = du.data.data() + at;
        double* DV = dv.data.data() + at;
        double* DW = dw.data.data() + at;
        const double cy = j < g.ncy - 1 ? adt / g.Dyc(j) : 0.0;
        const double vmask = j < g.ncy - 1 ? 1.0 : 0.0;
        for (int i = 0; i < g.nx; ++i) {
          const double lu = imp ? DU[i] : 0.0, lv = imp ? DV[i] : 0.0, lww = imp ? DW[i] : 0.0;
          const double fu = sgs ? SU[i] : 0.0, fv = sgs ? SV[i] : 0.0, fw = sgs ? SW[i] : 0.0;
          DU[i] =
              dt * (gam * HU[i] + zet * OU[i]) + adt * (f + fu) - cx * (P[i + 1] - P[i]) + lw * lu;
          DW[i] =
              dt * (gam * HW[i] + zet * OW[i]) + adt * fw - cz * (P[i + p.sz] - P[i]) + lw * lww;
          DV[i] = vmask * (dt * (gam * HV[i] + zet * OV[i]) + adt * fv - cy * (P[i + p.sy] - P[i]) +
                           lw * lv);
        }
      }
    tp.stop();
    if (imp) {
      PhaseTimer ti(&times, Phase::implicit_y);
      const double a = 0.5 * adt * nu;
      solve_implicit_y(du, g, a, YLocation::centre, work);
      solve_implicit_y(dv, g, a, YLocation::face, work);
      solve_implicit_y(dw, g, a, YLocation::centre, work);
    }
    PhaseTimer tu(&times, Phase::predict);
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const long at = u.index(0, j, k);
        const int n = (j < g.ncy - 1) ? g.nx : 0;
        for (int i = 0; i < g.nx; ++i) {
          u.data[at + i] += du.data[at + i];
          w.data[at + i] += dw.data[at + i];
        }
        for (int i = 0; i < n; ++i) v.data[at + i] += dv.data[at + i];
      }
    std::swap(hu.data, ou.data);
    std::swap(hv.data, ov.data);
    std::swap(hw.data, ow.data);
    tu.stop();
    // fillps, solve, correct
    begin_divergence_halo();
    fillps(adt, 1, g.nzl);
    end_divergence_halo();
    fillps(adt, 0, 1);
    solve_pressure();
    correct(adt);
    update_pressure(adt);
    // forcing
    if (prm.forcing == Forcing::flow_rate) {
      PhaseTimer tr(&times, Phase::reduce);
      const double target =
          prm.bulk_velocity > 0 ? prm.bulk_velocity : dean_bulk_velocity(prm.re_tau);
      const double shift = target - bulk();
      for (int k = 0; k < g.nzl; ++k)
        for (int j = 0; j < g.ncy; ++j) {
          double* U = u.row(j, k);
          for (int i = 0; i < g.nx; ++i) U[i] += shift;
        }
      force_mean += shift / dt;
    }
    begin_state_halo();  // completed by the next substage, or by step() after the last
  }

  // p = p + φ - αΔt ν/2 ∂yy φ (the implicit part's pressure, as in CaNS).
  void update_pressure(double adt) {
    PhaseTimer tc(&times, Phase::correct);
    const double a = prm.implicit_y ? 0.5 * adt * prm.nu() : 0.0;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double* F = phi.row(j, k);
        double* P = p.row(j, k);
        const double lo = 1.0 / (g.Dyc(j - 1) * g.Dyf(j)), up = 1.0 / (g.Dyc(j) * g.Dyf(j));
        for (int i = 0; i < g.nx; ++i)
          P[i] += F[i] - a * (up * (F[i + phi.sy] - F[i]) - lo * (F[i] - F[i - phi.sy]));
      }
    // p's halo is filled with the velocity's at the end of the substage.
  }

  double bulk() const {
    double s = 0.0;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double* U = u.row(j, k);
        double r = 0.0;
        for (int i = 0; i < g.nx; ++i) r += U[i];
        s += r * g.Dyf(j);
      }
    MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_SUM, g.comm);
    return s / (static_cast<double>(g.nx) * g.nz * g.ly);
  }

  double rate_convective() const {
    double m = rate_local();
    MPI_Allreduce(MPI_IN_PLACE, &m, 1, MPI_DOUBLE, MPI_MAX, g.comm);
    return m;
  }

  // This slab's max(|u|/Δx + |v|/Δy + |w|/Δz) (interior only).
  double rate_local() const {
    double m = 0.0;
    for (int k = 0; k < g.nzl; ++k)
      for (int j = 0; j < g.ncy; ++j) {
        const double* U = u.row(j, k);
        const double* V = v.row(j, k);
        const double* W = w.row(j, k);
        const double dyi = 1.0 / g.Dyf(j);
        for (int i = 0; i < g.nx; ++i)
          m = std::max(m, std::abs(U[i]) / g.dx + std::abs(V[i]) * dyi + std::abs(W[i]) / g.dz);
      }
    return m;
  }

  // The step size for the convective rate `conv` of the current state.
  double stable_dt(double conv) const {
    double dt = conv > 0 ? prm.cfl / conv : std::numeric_limits<double>::max();
    // Explicit diffusion: RK3 is stable to about 2.5 on the negative real axis; keep 2.
    const double ixz = 4.0 / (g.dx * g.dx) + 4.0 / (g.dz * g.dz);
    double lam = 0.0;
    for (int j = 0; j < g.ncy; ++j) {
      const double iy = 4.0 / (g.Dyf(j) * g.Dyf(j));
      double nt = 0.0;
      if (prm.sgs != SgsModel::none)
        for (int k = 0; k < g.nzl; ++k) {
          const double* N = nut.row(j, k);
          for (int i = 0; i < g.nx; ++i) nt = std::max(nt, N[i]);
        }
      // The SGS force is explicit Euler over the step (stable to 2 on the negative real axis):
      // weighted by 4/3, so that its share alone stays at 1.5.
      lam = std::max(
          lam, prm.nu() * (ixz + (prm.implicit_y ? 0.0 : iy)) + (4.0 / 3.0) * nt * (ixz + iy));
    }
    // Without a model lam depends on the y grid alone, the same on every rank.
    if (prm.sgs != SgsModel::none)
      MPI_Allreduce(MPI_IN_PLACE, &lam, 1, MPI_DOUBLE, MPI_MAX, g.comm);
    return std::min(dt, 2.0 / lam);
  }
};

ChannelSolver::ChannelSolver(const ChannelParams& p, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  validate(p, size);
  impl_ = std::make_unique<Impl>(p, comm);
}
ChannelSolver::~ChannelSolver() = default;

const Grid& ChannelSolver::grid() const {
  return impl_->g;
}
const ChannelParams& ChannelSolver::params() const {
  return impl_->prm;
}
const Field& ChannelSolver::u() const {
  return impl_->u;
}
const Field& ChannelSolver::v() const {
  return impl_->v;
}
const Field& ChannelSolver::w() const {
  return impl_->w;
}
const Field& ChannelSolver::p() const {
  return impl_->p;
}
double ChannelSolver::time() const {
  return impl_->t;
}
long ChannelSolver::steps() const {
  return impl_->nsteps;
}
double ChannelSolver::last_dt() const {
  return impl_->dt_last;
}
double ChannelSolver::bulk_velocity() const {
  return impl_->bulk();
}
double ChannelSolver::stable_dt() const {
  return impl_->stable_dt(impl_->rate_convective());
}
double ChannelSolver::cfl(double dt) const {
  return dt * impl_->rate_convective();
}
const PhaseTimes& ChannelSolver::phase_times() const {
  return impl_->times;
}
const std::vector<double>& ChannelSolver::dynamic_coefficient() const {
  return impl_->sgs_work.coefficient;
}

double ChannelSolver::forcing() const {
  return impl_->prm.forcing == Forcing::pressure_gradient ? impl_->base_force() : impl_->force_mean;
}

void ChannelSolver::set_laminar_with_trip(double bulk_velocity, std::uint64_t seed,
                                          double amplitude) {
  Impl& m = *impl_;
  const Grid& g = m.g;
  const double pi = std::acos(-1.0);
  const double kx = 2.0 * pi * 2.0 / g.lx, kz = 2.0 * pi * 3.0 / g.lz;
  const double a = amplitude * bulk_velocity;
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const int kg = g.z0 + k;
        const double eta = g.Yc(j) / g.ly, etaf = g.Yf(j) / g.ly;
        const double env = 16.0 * eta * eta * (1 - eta) * (1 - eta);
        const double envf = 16.0 * etaf * etaf * (1 - etaf) * (1 - etaf);
        const double xu = (i + 1) * g.dx, xc = (i + 0.5) * g.dx;
        const double zc = (kg + 0.5) * g.dz, zw = (kg + 1) * g.dz;
        // Streaks modulated in x, and cross-flow vortices (Taylor–Green-like), plus noise.
        m.u(i, j, k) = 6.0 * bulk_velocity * eta * (1 - eta) +
                       a * env *
                           (std::cos(kz * zc) * (1.0 + 0.5 * std::sin(kx * xu)) +
                            0.2 * hashed_uniform(seed, 0, i, j, kg));
        m.v(i, j, k) = j < g.ncy - 1 ? a * envf *
                                           (0.5 * std::sin(kx * xc) * std::sin(kz * zc) +
                                            0.2 * hashed_uniform(seed, 1, i, j, kg))
                                     : 0.0;
        m.w(i, j, k) =
            a * env *
            (0.5 * std::cos(kx * xc) * std::cos(kz * zw) + 0.2 * hashed_uniform(seed, 2, i, j, kg));
        m.p(i, j, k) = 0.0;
      }
  m.t = 0.0;
  m.nsteps = 0;
  project();
}

void ChannelSolver::perturb(std::uint64_t seed, double amplitude) {
  Impl& m = *impl_;
  const Grid& g = m.g;
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i) {
        const int kg = g.z0 + k;
        const double eta = g.Yc(j) / g.ly, etaf = g.Yf(j) / g.ly;
        const double env = 16.0 * eta * eta * (1 - eta) * (1 - eta);
        const double envf = 16.0 * etaf * etaf * (1 - etaf) * (1 - etaf);
        m.u(i, j, k) += amplitude * env * hashed_uniform(seed, 3, i, j, kg);
        if (j < g.ncy - 1) m.v(i, j, k) += amplitude * envf * hashed_uniform(seed, 4, i, j, kg);
        m.w(i, j, k) += amplitude * env * hashed_uniform(seed, 5, i, j, kg);
      }
  project();
}

void ChannelSolver::set_state(const std::vector<double>& u, const std::vector<double>& v,
                              const std::vector<double>& w, const std::vector<double>& p,
                              double time) {
  Impl& m = *impl_;
  set_interior(m.u, u);
  set_interior(m.v, v);
  set_interior(m.w, w);
  set_interior(m.p, p);
  m.state_halo();
  m.rate = -1.0;
  m.t = time;
}

void ChannelSolver::get_state(std::vector<double>& u, std::vector<double>& v,
                              std::vector<double>& w, std::vector<double>& p) const {
  copy_interior(u, impl_->u);
  copy_interior(v, impl_->v);
  copy_interior(w, impl_->w);
  copy_interior(p, impl_->p);
}

void ChannelSolver::project() {
  Impl& m = *impl_;
  m.velocity_halo();
  m.fillps(1.0, 0, m.g.nzl);
  m.solve_pressure();
  m.correct(1.0);
  m.state_halo();
  m.rate = -1.0;
}

StepInfo ChannelSolver::step(double dt, double dt_max) {
  Impl& m = *impl_;
  // The state's halos are valid on entry (set by the setters and by the last substage).
  // The SGS model is evaluated once per step, on the state at its start: ν_t enters the step
  // size, and its force ∂_j(2 ν_t S_ij) is held over the three substages as an explicit term
  // (first order in time for the SGS term alone; the rest of the step stays RK3). A restarted
  // run, which has no ν_t yet, takes the same steps.
  if (m.prm.sgs != SgsModel::none) m.subgrid_model();
  PhaseTimer tr(&m.times, Phase::reduce);
  if (dt <= 0 && m.prm.dt > 0) {
    dt = m.prm.dt;
  } else if (dt <= 0) {
    // The convective rate of this state was measured at the end of the last step.
    if (m.rate < 0) m.rate = m.rate_convective();
    dt = m.stable_dt(m.rate);
  }
  if (dt_max > 0) dt = std::min(dt, dt_max);
  tr.stop();
  m.force_mean = 0.0;
  for (int s = 0; s < 3; ++s) m.substage(s, dt);
  m.t += dt;
  m.dt_last = dt;
  ++m.nsteps;
  ++m.times.steps;
  // The rate of the new state reads interiors only: it runs while the last substage's halos
  // travel.
  PhaseTimer tc(&m.times, Phase::reduce);
  double rate = m.rate_local();
  tc.stop();
  m.end_state_halo();
  PhaseTimer ta(&m.times, Phase::reduce);
  MPI_Allreduce(MPI_IN_PLACE, &rate, 1, MPI_DOUBLE, MPI_MAX, m.g.comm);
  m.rate = rate;
  return {dt, dt * m.rate};
}

double ChannelSolver::max_divergence() const {
  const Impl& m = *impl_;
  const Grid& g = m.g;
  double d = 0.0;
  for (int k = 0; k < g.nzl; ++k)
    for (int j = 0; j < g.ncy; ++j)
      for (int i = 0; i < g.nx; ++i)
        d = std::max(d, std::abs((m.u(i, j, k) - m.u(i - 1, j, k)) / g.dx +
                                 (m.v(i, j, k) - m.v(i, j - 1, k)) / g.Dyf(j) +
                                 (m.w(i, j, k) - m.w(i, j, k - 1)) / g.dz));
  MPI_Allreduce(MPI_IN_PLACE, &d, 1, MPI_DOUBLE, MPI_MAX, g.comm);
  return d;
}

double ChannelSolver::max_velocity() const {
  const Impl& m = *impl_;
  double mx = 0.0;
  int bad = 0;
  for (const Field* f : {&m.u, &m.v, &m.w})
    for (int k = 0; k < m.g.nzl; ++k)
      for (int j = 0; j < m.g.ncy; ++j) {
        const double* r = f->row(j, k);
        for (int i = 0; i < m.g.nx; ++i) {
          if (std::isnan(r[i])) bad = 1;
          mx = std::max(mx, std::abs(r[i]));
        }
      }
  MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, m.g.comm);
  MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, m.g.comm);
  return bad ? std::numeric_limits<double>::quiet_NaN() : mx;
}

double ChannelSolver::re_tau() const {
  const Impl& m = *impl_;
  const Grid& g = m.g;
  double s[2] = {0.0, 0.0};
  for (int k = 0; k < g.nzl; ++k)
    for (int i = 0; i < g.nx; ++i) {
      s[0] += m.u(i, 0, k);
      s[1] += m.u(i, g.ncy - 1, k);
    }
  MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, g.comm);
  const double n = static_cast<double>(g.nx) * g.nz;
  // u is zero on the wall and (to second order) linear in the first cell.
  const double shear = 0.5 * (s[0] / n / g.Yc(0) + s[1] / n / (g.ly - g.Yc(g.ncy - 1)));
  const double nu = m.prm.nu();
  return std::sqrt(std::abs(nu * shear)) * 0.5 * g.ly / nu;
}

std::vector<double> discrete_poiseuille(const Grid& g, double nu, double f) {
  const int n = g.ncy;
  std::vector<double> lo(n), di(n), up(n), r(n, -f / nu), x(n);
  for (int j = 0; j < n; ++j) {
    const double a = 1.0 / (g.Dyc(j - 1) * g.Dyf(j)), c = 1.0 / (g.Dyc(j) * g.Dyf(j));
    lo[j] = j > 0 ? a : 0.0;
    up[j] = j < n - 1 ? c : 0.0;
    di[j] = -a - c - (j == 0 ? a : 0.0) - (j == n - 1 ? c : 0.0);  // odd wall ghosts
  }
  for (int j = 1; j < n; ++j) {
    const double m = lo[j] / di[j - 1];
    di[j] -= m * up[j - 1];
    r[j] -= m * r[j - 1];
  }
  x[n - 1] = r[n - 1] / di[n - 1];
  for (int j = n - 2; j >= 0; --j) x[j] = (r[j] - up[j] * x[j + 1]) / di[j];
  return x;
}

}  // namespace eddyop::solvers::channel
