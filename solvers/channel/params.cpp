#include "solvers/channel/params.hpp"

#include <cmath>

#include "core/error.hpp"

namespace eddyop::solvers::channel {

const char* forcing_name(Forcing f) {
  return f == Forcing::flow_rate ? "flow_rate" : f == Forcing::none ? "none" : "pressure_gradient";
}

const char* sgs_name(SgsModel m) {
  switch (m) {
    case SgsModel::smagorinsky:
      return "smagorinsky";
    case SgsModel::dynamic_smagorinsky:
      return "dynamic_smagorinsky";
    case SgsModel::wale:
      return "wale";
    default:
      return "none";
  }
}

double dean_bulk_velocity(double re_tau) {
  const double re_b = std::pow(re_tau / 0.09, 1.0 / 0.88);
  return 0.5 * re_b / re_tau;
}

config::Section channel_section() {
  const ChannelParams d;
  config::Section s(
      "channel",
      "Turbulent channel between walls at y = 0 and 2 (h = 1, u_tau = 1): DNS or LES, "
      "filtered training data (solvers/channel, docs/solvers/channel.md).");
  s.add_int("nx", d.nx, "Cells in x (streamwise, periodic); even.").min(8);
  s.add_int("ny", d.ny, "Wall-normal grid points, walls included (ny - 1 cells).").min(5);
  s.add_int("nz", d.nz, "Cells in z (spanwise, periodic); even.").min(4);
  s.add_real("lx", d.lx, "Domain length in x, in h.").greater_than(0.0);
  s.add_real("ly", d.ly, "Distance between the walls, in h (2 for the half-height h = 1).")
      .greater_than(0.0);
  s.add_real("lz", d.lz, "Domain width in z, in h.").greater_than(0.0);
  s.add_real("stretching", d.stretching, "tanh clustering of the y grid at the walls; 0 uniform.")
      .min(0.0)
      .max(4.0);
  s.add_real("re_tau", d.re_tau, "Friction Reynolds number; nu = 1 / re_tau.").greater_than(0.0);
  s.add_string(
       "forcing", "pressure_gradient",
       "pressure_gradient (-dP/dx = 1, Re_tau fixed), flow_rate (bulk velocity fixed) or none "
       "(decaying flow).")
      .choices({"pressure_gradient", "flow_rate", "none"});
  s.add_real("bulk_velocity", d.bulk_velocity,
             "Bulk velocity of the laminar start and of flow_rate; 0: Dean's correlation.")
      .min(0.0);
  s.add_string("sgs_model", "none", "Subgrid model.")
      .choices({"none", "smagorinsky", "dynamic_smagorinsky", "wale"});
  s.add_real("cs", d.cs, "Smagorinsky constant C_s (with van Driest damping).").min(0.0).max(0.5);
  s.add_real("van_driest_a", d.van_driest_a, "van Driest constant A+ of 1 - exp(-y+/A+).")
      .greater_than(0.0);
  s.add_real("cw", d.cw, "WALE constant C_w (0.5 Xcompact3d, 0.325 OpenFOAM).").min(0.0).max(1.0);
  s.add_real("dynamic_c_max", d.dynamic_c_max,
             "Upper clip of the plane-averaged dynamic coefficient C = C_s^2 (lower clip 0).")
      .greater_than(0.0)
      .max(1.0);
  s.add_real("cfl", d.cfl, "Target convective CFL of the adaptive time step.")
      .greater_than(0.0)
      .max(1.5);
  s.add_real("dt", d.dt, "Fixed time step; 0 adapts it to the CFL.").min(0.0);
  s.add_bool("implicit_y", d.implicit_y, "Crank-Nicolson wall-normal viscous term.");
  s.add_real("perturbation", d.perturbation,
             "Amplitude of the initial trip (vortices + seeded noise), relative to U_b.")
      .min(0.0)
      .max(2.0);
  s.add_real("spinup_time", d.spinup_time, "Time before a trajectory's first sample (h/u_tau).")
      .min(0.0);
  s.add_real("sample_interval", d.sample_interval, "Time between two samples (h/u_tau).")
      .greater_than(0.0);
  s.add_int("samples", d.samples, "Samples per trajectory.").min(1);
  s.add_int("trajectories", d.trajectories, "Trajectories, from seeds seed, seed + 1, ...").min(1);
  s.add_int("max_steps", d.max_steps, "Cap on the steps of one trajectory; 0: none.").min(0);
  s.add_int("out_nx", d.out_nx, "Coarse training grid: cells in x; divides nx.").min(1);
  s.add_int("out_ny", d.out_ny, "Coarse training grid: points in y; (out_ny-1) divides (ny-1).")
      .min(2);
  s.add_int("out_nz", d.out_nz, "Coarse training grid: cells in z; divides nz.").min(1);
  s.add_int("snapshot_interval", d.snapshot_interval,
            "A full-resolution float32 snapshot every this many samples; 0: none.")
      .min(0);
  s.add_real("stats_start", d.stats_start,
             "Running statistics from this time after each trajectory's start (h/u_tau).")
      .min(0.0);
  s.add_int("stats_interval", d.stats_interval, "Steps between two statistics samples.").min(1);
  s.add_int("checkpoint_interval", d.checkpoint_interval,
            "Steps between float64 checkpoints; 0: only at the end.")
      .min(0);
  s.add_string("restart", "", "Checkpoint to start from (trajectory r > 0 adds its seeded trip).");
  s.add_string(
      "initial_dataset", "",
      "Coarse dataset.h5 of a channel run (u, v, w, p (trajectory, time, x, y, z)) to start "
      "from instead of the laminar trip: its snapshot is mapped onto this grid and "
      "projected; relative to the working directory, as restart. Empty: not used.");
  s.add_int("initial_trajectory", d.initial_trajectory,
            "First trajectory of initial_dataset: trajectory r starts from its trajectory "
            "initial_trajectory + r.")
      .min(0);
  s.add_int("initial_step", d.initial_step,
            "Time index of initial_dataset to start from; the samples then follow its times.")
      .min(0);
  s.add_real("max_cfl", d.max_cfl, "Blow-up: stop when the CFL exceeds this.").greater_than(0.0);
  s.add_real("max_velocity", d.max_velocity, "Blow-up: stop when a |velocity| exceeds this.")
      .greater_than(0.0);
  s.add_string("fftw_planner", d.fftw_planner, "FFTW planning effort.")
      .choices({"estimate", "measure", "patient"});
  return s;
}

ChannelParams params_from_case(const config::Case& c) {
  ChannelParams p;
  auto i = [&](const char* k) { return c.get<int>(std::string("channel.") + k); };
  auto r = [&](const char* k) { return c.get<double>(std::string("channel.") + k); };
  auto s = [&](const char* k) { return c.get<std::string>(std::string("channel.") + k); };
  p.nx = i("nx");
  p.ny = i("ny");
  p.nz = i("nz");
  p.lx = r("lx");
  p.ly = r("ly");
  p.lz = r("lz");
  p.stretching = r("stretching");
  p.re_tau = r("re_tau");
  const std::string forcing = s("forcing");
  p.forcing = forcing == "flow_rate" ? Forcing::flow_rate
              : forcing == "none"    ? Forcing::none
                                     : Forcing::pressure_gradient;
  p.bulk_velocity = r("bulk_velocity");
  const std::string m = s("sgs_model");
  p.sgs = m == "smagorinsky"           ? SgsModel::smagorinsky
          : m == "dynamic_smagorinsky" ? SgsModel::dynamic_smagorinsky
          : m == "wale"                ? SgsModel::wale
                                       : SgsModel::none;
  p.cs = r("cs");
  p.van_driest_a = r("van_driest_a");
  p.cw = r("cw");
  p.dynamic_c_max = r("dynamic_c_max");
  p.cfl = r("cfl");
  p.dt = r("dt");
  p.implicit_y = c.get<bool>("channel.implicit_y");
  p.perturbation = r("perturbation");
  p.spinup_time = r("spinup_time");
  p.sample_interval = r("sample_interval");
  p.samples = i("samples");
  p.trajectories = i("trajectories");
  p.max_steps = c.get<long>("channel.max_steps");
  p.out_nx = i("out_nx");
  p.out_ny = i("out_ny");
  p.out_nz = i("out_nz");
  p.snapshot_interval = i("snapshot_interval");
  p.stats_start = r("stats_start");
  p.stats_interval = i("stats_interval");
  p.checkpoint_interval = i("checkpoint_interval");
  p.restart = s("restart");
  p.initial_dataset = s("initial_dataset");
  p.initial_trajectory = i("initial_trajectory");
  p.initial_step = i("initial_step");
  p.max_cfl = r("max_cfl");
  p.max_velocity = r("max_velocity");
  p.fftw_planner = s("fftw_planner");
  if (c.has("case.seed")) p.seed = c.get<std::uint64_t>("case.seed");
  return p;
}

void validate(const ChannelParams& p, int ranks) {
  constexpr const char* C = "channel";
  EDDYOP_CHECK(p.nx >= 8 && p.nx % 2 == 0, C, "nx = " << p.nx << " must be even and >= 8");
  EDDYOP_CHECK(p.nz >= 4 && p.nz % 2 == 0, C, "nz = " << p.nz << " must be even and >= 4");
  EDDYOP_CHECK(p.ny >= 5, C, "ny = " << p.ny << " must be >= 5 (4 cells between the walls)");
  EDDYOP_CHECK(p.lx > 0 && p.ly > 0 && p.lz > 0, C,
               "lx, ly, lz = " << p.lx << ", " << p.ly << ", " << p.lz << " must be > 0");
  EDDYOP_CHECK(p.stretching >= 0 && p.stretching <= 4, C,
               "stretching = " << p.stretching << " must be in [0, 4]");
  EDDYOP_CHECK(p.re_tau > 0, C, "re_tau = " << p.re_tau << " must be > 0");
  EDDYOP_CHECK(p.bulk_velocity >= 0, C, "bulk_velocity = " << p.bulk_velocity << " must be >= 0");
  EDDYOP_CHECK(p.cs >= 0 && p.cs <= 0.5, C, "cs = " << p.cs << " must be in [0, 0.5]");
  EDDYOP_CHECK(p.cw >= 0 && p.cw <= 1, C, "cw = " << p.cw << " must be in [0, 1]");
  EDDYOP_CHECK(p.van_driest_a > 0, C, "van_driest_a = " << p.van_driest_a << " must be > 0");
  EDDYOP_CHECK(p.dynamic_c_max > 0 && p.dynamic_c_max <= 1, C,
               "dynamic_c_max = " << p.dynamic_c_max << " must be in (0, 1]");
  EDDYOP_CHECK_HINT(p.cfl > 0 && p.cfl <= 1.5, C, "cfl = " << p.cfl << " must be in (0, 1.5]",
                    "RK3 is stable up to a CFL of about sqrt(3); 0.5 is usual");
  EDDYOP_CHECK(p.dt >= 0, C, "dt = " << p.dt << " must be >= 0 (0: adaptive)");
  EDDYOP_CHECK(p.max_cfl > p.cfl, C, "max_cfl = " << p.max_cfl << " must exceed cfl = " << p.cfl);
  EDDYOP_CHECK(p.max_velocity > 0, C, "max_velocity = " << p.max_velocity << " must be > 0");
  EDDYOP_CHECK(p.perturbation >= 0, C, "perturbation = " << p.perturbation << " must be >= 0");
  EDDYOP_CHECK(p.spinup_time >= 0, C, "spinup_time = " << p.spinup_time << " must be >= 0");
  EDDYOP_CHECK(p.sample_interval > 0, C,
               "sample_interval = " << p.sample_interval << " must be > 0");
  EDDYOP_CHECK(p.samples >= 1, C, "samples = " << p.samples << " must be >= 1");
  EDDYOP_CHECK(p.trajectories >= 1, C, "trajectories = " << p.trajectories << " must be >= 1");
  EDDYOP_CHECK(p.max_steps >= 0, C, "max_steps = " << p.max_steps << " must be >= 0");
  EDDYOP_CHECK(p.out_nx >= 1 && p.nx % p.out_nx == 0, C,
               "out_nx = " << p.out_nx << " must divide nx = " << p.nx);
  EDDYOP_CHECK(p.out_nz >= 1 && p.nz % p.out_nz == 0, C,
               "out_nz = " << p.out_nz << " must divide nz = " << p.nz);
  EDDYOP_CHECK_HINT(p.out_ny >= 2 && (p.ny - 1) % (p.out_ny - 1) == 0, C,
                    "out_ny = " << p.out_ny << ": out_ny - 1 must divide ny - 1 = " << p.ny - 1,
                    "coarse y cells are unions of fine cells of the same tanh grid");
  EDDYOP_CHECK(p.snapshot_interval >= 0, C,
               "snapshot_interval = " << p.snapshot_interval << " must be >= 0");
  EDDYOP_CHECK(p.stats_interval >= 1, C,
               "stats_interval = " << p.stats_interval << " must be >= 1");
  EDDYOP_CHECK(p.checkpoint_interval >= 0, C,
               "checkpoint_interval = " << p.checkpoint_interval << " must be >= 0");
  EDDYOP_CHECK_HINT(p.restart.empty() || p.initial_dataset.empty(), C,
                    "restart = '" << p.restart << "' and initial_dataset = '" << p.initial_dataset
                                  << "' are both set",
                    "a run starts from a checkpoint or from a dataset snapshot, not both");
  EDDYOP_CHECK(p.initial_trajectory >= 0, C,
               "initial_trajectory = " << p.initial_trajectory << " must be >= 0");
  EDDYOP_CHECK(p.initial_step >= 0, C, "initial_step = " << p.initial_step << " must be >= 0");
  EDDYOP_CHECK(
      p.fftw_planner == "estimate" || p.fftw_planner == "measure" || p.fftw_planner == "patient", C,
      "fftw_planner = '" << p.fftw_planner << "' must be estimate, measure or patient");
  // z slabs for the physical fields (two ghost planes each side, so at least 2 planes per rank)
  // and x-wavenumber slabs for the z FFTs and y solves.
  EDDYOP_CHECK_HINT(ranks >= 1 && p.nz / ranks >= 2, C,
                    "nz = " << p.nz << " over " << ranks << " ranks leaves fewer than 2 z planes",
                    "use fewer ranks or a larger nz");
  EDDYOP_CHECK_HINT(
      p.nx / 2 + 1 >= ranks, C,
      "nx = " << p.nx << " has " << p.nx / 2 + 1 << " x wavenumbers for " << ranks << " ranks",
      "use fewer ranks or a larger nx");
}

}  // namespace eddyop::solvers::channel
