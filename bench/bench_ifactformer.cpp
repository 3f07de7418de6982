// IFactFormer-m at the paper's configuration (dim 96, 5 heads, dim_head 96, L = 10, grid
// 32 x 33 x 16, 3 channels in and out): one forward at batch 1 (a rollout step), one training
// step (forward, relative-L2 loss, backward) at batch 1 and at batch 5, and the arena peaks.
// The PyTorch reference on this kind of machine: forward 3.9-5.7 s, step 8.3 s (batch 1),
// ~60 s and 18-19 GB (batch 5); see ../shared/models/ifactformer.md.
//
// The batch-5 step runs first, in a child process (this program with --only-b5), so that its
// peak RSS is that step's alone. Then the cost per sampling interval (0.5 h/u_tau; one forward
// at batch 1 advances one) against the dynamic Smagorinsky LES on the same 32 x 33 x 16 grid:
// seconds per LES step (a tripped laminar start, timed after a few steps) times the steps per
// interval from its adaptive dt (CFL 0.5). The last three lines are `forward_b1_s`,
// `train_b1_s` and `peak_rss_b5_gb`.
//
//   build/bench/bench_ifactformer [--threads N] [--reps R] [--no-b5] [--chained] [--les-steps S]
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "core/tensor/fft.hpp"
#include "operators/host_loop.hpp"
#include "operators/models/ifactformer.hpp"
#include "operators/ops.hpp"
#include "runtime.hpp"
#include "solvers/channel/solver.hpp"

extern "C" void openblas_set_num_threads(int);

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Median wall seconds of `reps` calls after a warm-up, and in `cpu` the median process CPU
// seconds (all threads): on a loaded machine the CPU time is the steadier measure of work.
template <class F>
double median_s(F&& fn, int reps, double& cpu) {
  fn();  // warm-up: the arena reaches its high-water mark
  std::vector<double> t, c;
  for (int r = 0; r < reps; ++r) {
    const auto a = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    fn();
    Kokkos::fence();
    c.push_back(cpu_now() - c0);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  std::sort(c.begin(), c.end());
  cpu = c[c.size() / 2];
  return t[t.size() / 2];
}

double peak_rss_gb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1048576.0;
}

tensor::Tensor field(Index B, float phase) {
  auto t = tensor::Tensor::zeros(Shape{B, 3, 32, 33, 16});
  std::vector<float> h(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = std::sin(0.37f * static_cast<float>(i) + phase);
  tensor::from_host(t, h);
  return t;
}

// Median wall seconds per step (mean CPU seconds in `cpu`) and mean dt of the dynamic
// Smagorinsky LES at 32 x 33 x 16 (one rank).
std::pair<double, double> les_step(int steps, double& cpu) {
  using namespace solvers::channel;
  ChannelParams p;
  p.nx = 32;
  p.ny = 33;
  p.nz = 16;
  p.sgs = SgsModel::dynamic_smagorinsky;
  p.fftw_planner = "measure";
  ChannelSolver s(p, MPI_COMM_WORLD);
  s.set_laminar_with_trip(dean_bulk_velocity(p.re_tau), 1, 0.5);
  for (int k = 0; k < 20; ++k) s.step();  // past the trip's first transient
  std::vector<double> t;
  double dt = 0;
  const double c0 = cpu_now();
  for (int k = 0; k < steps; ++k) {
    const auto a = std::chrono::steady_clock::now();
    dt += s.step().dt;
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  cpu = (cpu_now() - c0) / steps;
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], dt / steps};
}

}  // namespace

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int reps = 3, les_steps = 200;
  bool b5 = true, only_b5 = false, chained = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--les-steps") && i + 1 < argc) les_steps = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--no-b5")) b5 = false;
    if (!std::strcmp(argv[i], "--only-b5")) only_b5 = true;
    if (!std::strcmp(argv[i], "--chained")) chained = true;
  }
  if (reps < 1 || threads < 1 || les_steps < 1) {
    std::fprintf(stderr, "bench_ifactformer: --reps, --threads and --les-steps must be >= 1\n");
    return 2;
  }
  const double gb = 1024.0 * 1024.0 * 1024.0;
  double train5 = 0, rss5 = 0, arena5 = 0, cpu5 = 0;
  if (b5 && !only_b5) {
    // The batch-5 step in a fresh process, before this one allocates anything.
    char exe[4096] = {};
    if (readlink("/proc/self/exe", exe, sizeof exe - 1) <= 0) {
      std::fprintf(stderr, "bench_ifactformer: cannot find its own executable\n");
      return 1;
    }
    const std::string cmd = std::string("'") + exe + "' --only-b5 --threads " +
                            std::to_string(threads) + " --reps " + std::to_string(reps) +
                            (chained ? " --chained" : "");
    FILE* child = popen(cmd.c_str(), "r");
    if (!child) {
      std::fprintf(stderr, "bench_ifactformer: cannot start the batch-5 child\n");
      return 1;
    }
    char line[256];
    while (std::fgets(line, sizeof line, child)) {
      std::sscanf(line, "train_b5_s %lf", &train5);
      std::sscanf(line, "peak_rss_b5_gb %lf", &rss5);
      std::sscanf(line, "arena_b5_gb %lf", &arena5);
      std::sscanf(line, "cpu_b5_s %lf", &cpu5);
    }
    if (pclose(child) != 0 || train5 <= 0) {
      std::fprintf(stderr, "bench_ifactformer: the batch-5 child failed\n");
      return 1;
    }
  }
  double fwd = 0, train1 = 0, les_s = 0, les_dt = 0, cpu_fwd = 0, cpu1 = 0, cpu_les = 0;
  std::size_t arena_fwd = 0, arena1 = 0;
  {
    Runtime runtime;
    runtime.start_petsc(argv[0], {});
    runtime.start_kokkos(threads);
    openblas_set_num_threads(threads);
    ops::set_host_threads(threads);  // the elementwise loops, on Debian's one-thread Kokkos

    models::IFactFormerOptions opt;  // the defaults are the paper's configuration
    opt.chained = chained;
    models::IFactFormer<float> model(opt, 1234);

    auto train_step = [&](Index B, std::size_t& arena, double& cpu) {
      auto x = field(B, 0.f), t = field(B, 1.f);
      tensor::Tape<float> tape;
      auto step = [&]() {
        tape.reset();
        auto y = model.forward(tape, tape.input(x));
        auto norm = [&](const tensor::Var<float>& v) {
          return ops::sqrt(tape, ops::sum(tape, ops::square(tape, v), {1, 2, 3, 4}));
        };
        auto tv = tape.input(t);
        auto loss = ops::mean(tape, ops::div(tape, norm(ops::sub(tape, y, tv)), norm(tv)), {0});
        model.parameters().zero_grad();
        tape.backward(loss);
      };
      const double s = median_s(step, reps, cpu);
      arena = tape.arena_peak_bytes();
      return s;
    };
    if (only_b5) {
      std::size_t arena = 0;
      double cpu = 0;
      const double s = train_step(5, arena, cpu);
      std::printf("train_b5_s %.3f\ncpu_b5_s %.3f\narena_b5_gb %.3f\npeak_rss_b5_gb %.3f\n", s, cpu,
                  static_cast<double>(arena) / gb, peak_rss_gb());
      return 0;
    }
    {
      auto x = field(1, 0.f);
      tensor::Tape<float> tape(false);
      fwd = median_s(
          [&]() {
            tape.reset();
            model.forward(tape, tape.input(x));
          },
          reps, cpu_fwd);
      arena_fwd = tape.arena_peak_bytes();
    }
    train1 = train_step(1, arena1, cpu1);
    const auto les = les_step(les_steps, cpu_les);
    les_s = les.first;
    les_dt = les.second;
  }
  const double interval = 0.5, les_interval = les_s * interval / les_dt;
  std::printf("model %s threads %d reps %d\n", chained ? "ifactformer_o" : "ifactformer_m", threads,
              reps);
  std::printf("arena_gb forward_b1 %.3f train_b1 %.3f train_b5 %.3f\n",
              static_cast<double>(arena_fwd) / gb, static_cast<double>(arena1) / gb, arena5);
  std::printf("cpu_s forward_b1 %.3f train_b1 %.3f train_b5 %.3f\n", cpu_fwd, cpu1, cpu5);
  std::printf(
      "les_dsm_32x33x16 s_per_step %.5f cpu_s_per_step %.5f dt %.5f steps_per_interval %.1f\n",
      les_s, cpu_les, les_dt, interval / les_dt);
  const double les_cpu_interval = cpu_les * interval / les_dt;
  std::printf("cost_per_interval_s surrogate %.3f les %.3f les_over_surrogate %.3f\n", fwd,
              les_interval, les_interval / fwd);
  std::printf("cost_per_interval_cpu_s surrogate %.3f les %.3f les_over_surrogate %.3f\n", cpu_fwd,
              les_cpu_interval, les_cpu_interval / cpu_fwd);
  std::printf("train_b5_s %.3f\n", train5);
  std::printf("forward_b1_s %.3f\n", fwd);
  std::printf("train_b1_s %.3f\n", train1);
  std::printf("peak_rss_b5_gb %.3f\n", rss5);
  return 0;
}
