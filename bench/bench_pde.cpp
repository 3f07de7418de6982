// PDE data generators: NS2D time per step per grid point beside a bare-FFTW floor of 4 real
// FFTs at the same size (issue 4's target: within 1.5×), Darcy time per 421² solve (target
// ≤ 0.2 s) with the default CG + PCMG and with PCGAMG, and one Burgers sample.
#include <benchmark/benchmark.h>
#include <fftw3.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "runtime.hpp"
#include "solvers/pde/burgers.hpp"
#include "solvers/pde/darcy.hpp"
#include "solvers/pde/ns2d.hpp"

using namespace eddyop::solvers;

namespace {

void set_per_point(benchmark::State& state, int n) {
  // Seconds per step per grid point.
  state.counters["s_per_point"] =
      benchmark::Counter(static_cast<double>(n) * n, benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

void BM_Ns2dStep(benchmark::State& state) {
  Ns2dParams p;
  p.n = static_cast<int>(state.range(0));
  p.n_store = p.n;
  p.dt = 1e-4;
  p.record_interval = 1e-4;
  p.t_final = 1e-4;
  Ns2dSolver solver(p);
  solver.set_vorticity(ns2d_initial_vorticity(p, 1, 0));
  solver.step();  // past the Heun start
  for (auto _ : state) solver.step();
  set_per_point(state, p.n);
  state.SetLabel(
      "AB2+CN step: 2 complex n^2 inverse FFTs (packed pairs of real fields) + 1 complex "
      "n^2/2 forward FFT, FFTW_ESTIMATE");
}
BENCHMARK(BM_Ns2dStep)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);

// The floor: 2 r2c and 2 c2r 2-D transforms of an n² field, out of place, with the solver's
// flags (FFTW_ESTIMATE: the solver must plan deterministically, so that 1 and 2 ranks give the
// same bits). Time per floor iteration = 4 real FFTs.
void BM_FftwFourRealFfts(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0)), nh = n / 2 + 1;
  double* real = fftw_alloc_real(static_cast<std::size_t>(n) * n);
  fftw_complex* spec = fftw_alloc_complex(static_cast<std::size_t>(n) * nh);
  fftw_plan r2c = fftw_plan_dft_r2c_2d(n, n, real, spec, FFTW_ESTIMATE);
  fftw_plan c2r = fftw_plan_dft_c2r_2d(n, n, spec, real, FFTW_ESTIMATE);
  for (int k = 0; k < n * n; ++k) real[k] = 1.0 / (1.0 + k);
  for (auto _ : state) {
    fftw_execute(r2c);
    fftw_execute(c2r);
    fftw_execute(r2c);
    fftw_execute(c2r);
    benchmark::DoNotOptimize(real[0]);
  }
  set_per_point(state, n);
  state.SetLabel("floor: 2 r2c + 2 c2r, 2-D n^2, out of place, FFTW_ESTIMATE");
  fftw_destroy_plan(r2c);
  fftw_destroy_plan(c2r);
  fftw_free(spec);
  fftw_free(real);
}
BENCHMARK(BM_FftwFourRealFfts)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);

// One solve: assembly, preconditioner setup (the coefficient changes every sample) and CG.
void darcy_solves(benchmark::State& state, const char* pc_type) {
  if (pc_type) PetscOptionsSetValue(nullptr, "-darcy_pc_type", pc_type);
  DarcyParams p;  // n = 421
  DarcySolver solver(p);
  const std::vector<double> a = darcy_coefficient(p, 1, 0);
  const std::vector<double> f(a.size(), 1.0);
  std::vector<double> u;
  DarcyStats stats;
  for (auto _ : state) stats = solver.solve(u, a, f);
  if (pc_type) PetscOptionsClearValue(nullptr, "-darcy_pc_type");
  state.counters["iterations"] = stats.iterations;
  state.SetLabel(stats.ksp_type + "+" + stats.pc_type);
}
void BM_DarcySolve421(benchmark::State& state) {
  darcy_solves(state, nullptr);
}
void BM_DarcySolve421Gamg(benchmark::State& state) {
  darcy_solves(state, "gamg");
}
BENCHMARK(BM_DarcySolve421)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DarcySolve421Gamg)->Unit(benchmark::kMillisecond);

void BM_BurgersSample8192(benchmark::State& state) {
  BurgersParams p;  // n = 8192, ν = 0.1, dt = 1e-3, T = 1
  std::uint64_t sample = 0;
  for (auto _ : state) benchmark::DoNotOptimize(burgers_sample(p, 1, sample++));
}
BENCHMARK(BM_BurgersSample8192)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  eddyop::Runtime runtime;
  runtime.start_petsc(argv[0], std::vector<std::string>(argv + 1, argv + argc));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
