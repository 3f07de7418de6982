// Side-by-side benchmark of FNO-2D (64x64, width 32, modes 12, 4 layers, projection 128) in
// eddyop and in PyTorch (bench/fno_torch.py, run here through /usr/bin/python3) on the same
// number of threads: a training step (forward, relative-L2 loss, backward) at batch 20 and a
// forward pass at batch 1. Prints both times, both peak memories, and as its last two lines
// `speedup_train <x>` and `speedup_infer <x>` (PyTorch time / ours).
//
//   build/bench/bench_fno [--threads N] [--reps R] [--no-torch]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "core/tensor/fft.hpp"
#include "operators/host_loop.hpp"
#include "operators/models/fno.hpp"
#include "operators/ops.hpp"
#include "runtime.hpp"

extern "C" void openblas_set_num_threads(int);

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

template <class F>
double median_ms(F&& fn, int reps) {
  fn();
  fn();  // warm-up: the arena reaches its high-water mark, FFTW plans are measured
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    Kokkos::fence();
    t.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

std::string torch_script() {
  if (const char* src = std::getenv("EDDYOP_SOURCE_DIR"))
    return std::string(src) + "/bench/fno_torch.py";
  std::string here = __FILE__;  // .../bench/bench_fno.cpp
  return here.substr(0, here.find_last_of('/')) + "/fno_torch.py";
}

std::map<std::string, double> run_torch(int threads, int reps) {
  const std::string cmd = "/usr/bin/python3 " + torch_script() + " --threads " +
                          std::to_string(threads) + " --reps " + std::to_string(reps);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  EDDYOP_CHECK(pipe, "bench_fno", "cannot run '" << cmd << "'");
  std::map<std::string, double> out;
  char line[512];
  while (fgets(line, sizeof line, pipe.get())) {
    std::istringstream s(line);
    std::string key;
    double v = 0;
    if (s >> key >> v) out[key] = v;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int reps = 10;
  bool torch = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--no-torch")) torch = false;
  }
  double train_ms = 0, infer_ms = 0, rss = 0;
  std::size_t arena_train = 0, arena_infer = 0;
  {
    Runtime runtime;
    runtime.start_petsc(argv[0], {});
    runtime.start_kokkos(threads);
    // Kokkos Serial runs the elementwise kernels on one core; GEMMs and FFTs use every thread.
    openblas_set_num_threads(threads);
    tensor::fft::set_threads(threads);
    ops::set_host_threads(threads);
    tensor::fft::set_measure(true);

    models::FnoOptions opt;
    opt.in_channels = 1;
    opt.out_channels = 1;
    opt.modes = {12, 12};
    opt.width = 32;
    opt.layers = 4;
    opt.projection = 128;
    models::Fno<float> model(opt, 0);
    const Index B = 20, S = 64;
    auto x = tensor::Tensor::zeros(Shape{B, 1, S, S});
    auto t = tensor::Tensor::zeros(Shape{B, 1, S, S});
    std::vector<float> h(static_cast<std::size_t>(B * S * S));
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = std::sin(0.37f * static_cast<float>(i));
    tensor::from_host(x, h);
    for (auto& v : h) v = std::cos(3 * v);
    tensor::from_host(t, h);

    tensor::Tape<float> tape;
    auto step = [&]() {
      tape.reset();
      auto y = model.forward(tape, tape.input(x));
      auto norm = [&](const tensor::Var<float>& v) {
        return ops::sqrt(tape, ops::sum(tape, ops::square(tape, v), {1, 2, 3}));
      };
      auto tv = tape.input(t);
      auto loss = ops::sum(tape, ops::div(tape, norm(ops::sub(tape, y, tv)), norm(tv)), {0});
      model.parameters().zero_grad();
      tape.backward(loss);
    };
    train_ms = median_ms(step, reps);
    arena_train = tape.arena_peak_bytes();
    tape.reset();

    auto x1 = tensor::Tensor::zeros(Shape{1, 1, S, S});
    tensor::from_host(x1, std::vector<float>(h.begin(), h.begin() + S * S));
    tensor::Tape<float> infer_tape(false);
    auto infer = [&]() {
      infer_tape.reset();
      model.forward(infer_tape, infer_tape.input(x1));
    };
    infer_ms = median_ms(infer, 5 * reps);
    arena_infer = infer_tape.arena_peak_bytes();
    rss = peak_rss_mb();
  }
  std::printf("threads %d\n", threads);
  std::printf("eddyop_train_ms %.3f\n", train_ms);
  std::printf("eddyop_infer_ms %.3f\n", infer_ms);
  std::printf("eddyop_arena_mb train %.1f infer %.1f\n",
              static_cast<double>(arena_train) / 1048576.0,
              static_cast<double>(arena_infer) / 1048576.0);
  std::printf("eddyop_peak_rss_mb %.1f\n", rss);
  if (!torch) return 0;
  auto pt = run_torch(threads, reps);
  EDDYOP_CHECK(pt.count("torch_train_ms") && pt.count("torch_infer_ms"), "bench_fno",
               "the PyTorch script printed no timings; is python3-torch installed?");
  std::printf("torch_train_ms %.3f\n", pt["torch_train_ms"]);
  std::printf("torch_infer_ms %.3f\n", pt["torch_infer_ms"]);
  std::printf("torch_peak_rss_mb %.1f\n", pt["torch_peak_rss_mb"]);
  std::printf("speedup_train %.2f\n", pt["torch_train_ms"] / train_ms);
  std::printf("speedup_infer %.2f\n", pt["torch_infer_ms"] / infer_ms);
  return 0;
}
