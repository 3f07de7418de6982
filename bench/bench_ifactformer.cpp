// IFactFormer-m at the paper's configuration (dim 96, 5 heads, dim_head 96, L = 10, grid
// 32 x 33 x 16, 3 channels in and out): one forward at batch 1 (a rollout step), one training
// step (forward, relative-L2 loss, backward) at batch 1 and at batch 5, and the arena peaks.
// The PyTorch reference on this kind of machine: forward 3.9-5.7 s, step 8.3 s (batch 1),
// ~60 s and 18-19 GB (batch 5); see ../shared/models/ifactformer.md. The last three lines are
// `forward_b1_s`, `train_b1_s` and `peak_rss_b5_gb` (peak RSS of the whole run, batch 5 included).
//
//   build/bench/bench_ifactformer [--threads N] [--reps R] [--no-b5] [--chained]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/tensor/fft.hpp"
#include "operators/models/ifactformer.hpp"
#include "operators/ops.hpp"
#include "runtime.hpp"

extern "C" void openblas_set_num_threads(int);

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

template <class F>
double median_s(F&& fn, int reps) {
  fn();  // warm-up: the arena reaches its high-water mark
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto a = std::chrono::steady_clock::now();
    fn();
    Kokkos::fence();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
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

}  // namespace

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int reps = 3;
  bool b5 = true, chained = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--no-b5")) b5 = false;
    if (!std::strcmp(argv[i], "--chained")) chained = true;
  }
  double fwd = 0, train1 = 0, train5 = 0;
  std::size_t arena_fwd = 0, arena1 = 0, arena5 = 0;
  {
    Runtime runtime;
    runtime.start_petsc(argv[0], {});
    runtime.start_kokkos(threads);
    openblas_set_num_threads(threads);

    models::IFactFormerOptions opt;  // the defaults are the paper's configuration
    opt.chained = chained;
    models::IFactFormer<float> model(opt, 1234);

    auto train_step = [&](Index B, std::size_t& arena) {
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
      const double s = median_s(step, reps);
      arena = tape.arena_peak_bytes();
      return s;
    };
    {
      auto x = field(1, 0.f);
      tensor::Tape<float> tape(false);
      fwd = median_s(
          [&]() {
            tape.reset();
            model.forward(tape, tape.input(x));
          },
          reps);
      arena_fwd = tape.arena_peak_bytes();
    }
    train1 = train_step(1, arena1);
    if (b5) train5 = train_step(5, arena5);
  }
  const double gb = 1024.0 * 1024.0 * 1024.0;
  std::printf("model %s threads %d reps %d\n", chained ? "ifactformer_o" : "ifactformer_m", threads,
              reps);
  std::printf("arena_gb forward_b1 %.3f train_b1 %.3f train_b5 %.3f\n",
              static_cast<double>(arena_fwd) / gb, static_cast<double>(arena1) / gb,
              static_cast<double>(arena5) / gb);
  std::printf("train_b5_s %.3f\n", train5);
  std::printf("forward_b1_s %.3f\n", fwd);
  std::printf("train_b1_s %.3f\n", train1);
  std::printf("peak_rss_b5_gb %.3f\n", peak_rss_gb());
  return 0;
}
