#include "solvers/pde/pde_sections.hpp"

#include <string>

#include "core/error.hpp"

namespace eddyop::solvers {

namespace {

config::Section grf_section(const std::string& name, const std::string& doc, const GrfParams& d) {
  config::Section s(name, doc);
  s.add_real("alpha", d.alpha, "Smoothness exponent α of the covariance scale² (−Δ + τ² I)^(−α).")
      .greater_than(0.0);
  s.add_real("tau", d.tau, "Inverse length scale τ.").greater_than(0.0);
  s.add_real("scale", d.scale, "Amplitude: the variance of a mode is scale² (…)^(−α).")
      .greater_than(0.0);
  return s;
}

GrfParams grf_params(const config::Case& c, const std::string& path) {
  GrfParams p;
  p.alpha = c.get<double>(path + ".alpha");
  p.tau = c.get<double>(path + ".tau");
  p.scale = c.get<double>(path + ".scale");
  return p;
}

void add_sample_counts(config::Section& s, long long samples, long long test_samples) {
  s.add_int("samples", samples, "Samples in the dataset (train and test together).").min(1);
  s.add_int("test_samples", test_samples,
            "How many of them, the last ones, are for testing (stored as the root attribute "
            "test_samples).")
      .min(0);
}

}  // namespace

config::Section ns2d_section() {
  const Ns2dParams d;
  config::Section s("ns2d",
                    "2D Navier–Stokes in vorticity form on the unit torus (generate.solver: "
                    "ns2d); see docs/solvers/ns2d.md.");
  add_sample_counts(s, 1200, 0);
  s.add_int("n", d.n, "Solver grid n × n; even, ≥ 8.").min(8);
  s.add_int("n_store", d.n_store, "Stored grid; divides n (pointwise subsampling).").min(1);
  s.add_real("nu", d.nu, "Kinematic viscosity ν.").greater_than(0.0);
  s.add_real("dt", d.dt, "Time step; ≤ cfl_max / (2 velocity_bound n).").greater_than(0.0);
  s.add_real("t_final", d.t_final, "Last recorded time; a multiple of record_interval.").min(0.0);
  s.add_real("record_interval", d.record_interval, "Time between stored records; a multiple of dt.")
      .greater_than(0.0);
  s.add_bool("forcing", d.forcing,
             "The FNO forcing 0.1 (sin 2π(x+y) + cos 2π(x+y)); false: decaying flow.");
  s.add_real("velocity_bound", d.velocity_bound,
             "Assumed bound on either velocity component, for the a-priori dt check.")
      .greater_than(0.0);
  s.add_real("cfl_max", d.cfl_max,
             "Largest CFL number dt (max abs u + max abs v) n, checked before the run and at every "
             "record.")
      .greater_than(0.0)
      .max(1.0);
  s.add_section(grf_section("initial_field",
                            "Gaussian random field of the initial vorticity (FNO: α 2.5, τ 7, "
                            "scale √2 · 7^1.5).",
                            d.ic));
  return s;
}

config::Section darcy_section() {
  const DarcyParams d;
  config::Section s("darcy",
                    "Darcy flow −∇·(a∇u) = f on the unit square (generate.solver: darcy); KSP "
                    "settings through PETSc options with the prefix -darcy_; see "
                    "docs/solvers/darcy.md.");
  add_sample_counts(s, 1100, 0);
  s.add_int("n", d.n,
            "Nodes per side, boundary included; with multigrid n − 1 must halve down to a "
            "coarse grid of ≤ 129 nodes.")
      .min(3);
  s.add_int("n_store", d.n_store, "Stored nodes per side; (n − 1) % (n_store − 1) == 0.").min(2);
  s.add_real("a_plus", d.a_plus, "Coefficient a where the random field is ≥ 0.").greater_than(0.0);
  s.add_real("a_minus", d.a_minus, "Coefficient a where the random field is < 0 (FNO paper: 3).")
      .greater_than(0.0);
  s.add_real("source", d.source, "Constant right-hand side f.");
  s.add_string("face", "arithmetic", "Mean of the two nodes' a on a face.")
      .choices({"arithmetic", "harmonic"});
  s.add_section(grf_section("coefficient_field",
                            "Neumann Gaussian random field whose sign picks a (FNO: α 2, τ 3, "
                            "scale τ^(α−1)).",
                            d.coef));
  return s;
}

config::Section burgers_section() {
  const BurgersParams d;
  config::Section s("burgers",
                    "Viscous Burgers' equation on the periodic unit interval, u0 → u(·, T) "
                    "(generate.solver: burgers); see docs/solvers/burgers.md.");
  add_sample_counts(s, 1100, 0);
  s.add_int("n", d.n, "Solver grid; even, ≥ 8.").min(8);
  s.add_int("n_store", d.n_store, "Stored grid; divides n (pointwise subsampling).").min(1);
  s.add_real("nu", d.nu, "Viscosity ν.").greater_than(0.0);
  s.add_real("dt", d.dt, "Time step; t_final is a multiple of it; checked against the CFL limit.")
      .greater_than(0.0);
  s.add_real("t_final", d.t_final, "Final time T of the map u0 → u(·, T).").min(0.0);
  s.add_real("cfl_max", d.cfl_max,
             "Explicit-advection limit dt U min(2πn/3, U/ν) ≤ cfl_max, U = 5 std of u0.")
      .greater_than(0.0)
      .max(2.8);
  s.add_section(grf_section(
      "initial_field", "Gaussian random field of u0 (FNO: N(0, 625 (−Δ + 25 I)^(−2))).", d.ic));
  return s;
}

Ns2dParams ns2d_params(const config::Case& c) {
  Ns2dParams p;
  p.n = c.get<int>("ns2d.n");
  p.n_store = c.get<int>("ns2d.n_store");
  p.nu = c.get<double>("ns2d.nu");
  p.dt = c.get<double>("ns2d.dt");
  p.t_final = c.get<double>("ns2d.t_final");
  p.record_interval = c.get<double>("ns2d.record_interval");
  p.forcing = c.get<bool>("ns2d.forcing");
  p.velocity_bound = c.get<double>("ns2d.velocity_bound");
  p.cfl_max = c.get<double>("ns2d.cfl_max");
  p.ic = grf_params(c, "ns2d.initial_field");
  return p;
}

DarcyParams darcy_params(const config::Case& c) {
  DarcyParams p;
  p.n = c.get<int>("darcy.n");
  p.n_store = c.get<int>("darcy.n_store");
  p.a_plus = c.get<double>("darcy.a_plus");
  p.a_minus = c.get<double>("darcy.a_minus");
  p.source = c.get<double>("darcy.source");
  p.face = c.get<std::string>("darcy.face") == "harmonic" ? FaceAverage::harmonic
                                                          : FaceAverage::arithmetic;
  p.coef = grf_params(c, "darcy.coefficient_field");
  return p;
}

BurgersParams burgers_params(const config::Case& c) {
  BurgersParams p;
  p.n = c.get<int>("burgers.n");
  p.n_store = c.get<int>("burgers.n_store");
  p.nu = c.get<double>("burgers.nu");
  p.dt = c.get<double>("burgers.dt");
  p.t_final = c.get<double>("burgers.t_final");
  p.cfl_max = c.get<double>("burgers.cfl_max");
  p.ic = grf_params(c, "burgers.initial_field");
  return p;
}

SampleCounts sample_counts(const config::Case& c, const std::string& solver) {
  SampleCounts counts;
  counts.samples = c.get<long long>(solver + ".samples");
  counts.test_samples = c.get<long long>(solver + ".test_samples");
  EDDYOP_CHECK(
      counts.test_samples <= counts.samples, solver.c_str(),
      "test_samples = " << counts.test_samples << " must be <= samples = " << counts.samples);
  return counts;
}

}  // namespace eddyop::solvers
