// Side-by-side benchmark of FNO-2D (64x64, width 32, modes 12, 4 layers, projection 128) in
// eddyop and in PyTorch (bench/fno_torch.py, run here through /usr/bin/python3) on the same
// number of threads: a training step (forward, relative-L2 loss, backward) at batch 20 and a
// forward pass at batch 1. Prints both times, both peak memories, and as its last two lines
// `speedup_train <x>` and `speedup_infer <x>` (PyTorch time / ours).
//
// The two sides run interleaved, one step of ours then one of PyTorch's (fno_torch.py --serve,
// a child process fed through pipes), and each reports the median of its steps: load from
// other processes on a shared machine then slows both alike instead of whichever ran last.
// Before each timed unit the bench sleeps --gap-ms (30 ms by default): after a parallel region
// PyTorch's OpenMP threads (libgomp, default wait policy) spin for some milliseconds, and any
// library's threads that spin would likewise steal a core from the other side's next step, which
// is as long as that spin at batch 1. Both sides keep their defaults (threads, wait policies).
// The gap in turn lets threads fall asleep, and waking them costs a millisecond or more, so the
// batch-1 forward is timed as a warm block, as a rollout runs it: one untimed forward, then
// --block (10) back to back, each side's mean per forward; the median over the blocks is
// reported. Measured on a quiet box, a side's warm block is as fast as its best single steps
// without any gap (PyTorch 10.6–10.9 ms), and neither side's threads run during the other's.
//
//   build/bench/bench_fno [--threads N] [--reps R] [--gap-ms G] [--block B] [--no-torch]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

namespace {

using namespace eddyop;
using tensor::Index;
using tensor::Shape;

double median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t.empty() ? 0.0 : t[t.size() / 2];
}

template <class F>
double time_ms(F&& fn) {
  const auto a = std::chrono::steady_clock::now();
  fn();
  Kokkos::fence();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count();
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

// The PyTorch side as a child process (fno_torch.py --serve): one timed step per request.
class TorchPeer {
 public:
  explicit TorchPeer(int threads) {
    int down[2], up[2];
    EDDYOP_CHECK(pipe(down) == 0 && pipe(up) == 0, "bench_fno", "cannot make pipes");
    const std::string script = torch_script(), t = std::to_string(threads);
    pid_ = fork();
    EDDYOP_CHECK(pid_ >= 0, "bench_fno", "cannot fork the PyTorch side");
    if (pid_ == 0) {
      dup2(down[0], 0);
      dup2(up[1], 1);
      close(down[1]);
      close(up[0]);
      execl("/usr/bin/python3", "python3", script.c_str(), "--threads", t.c_str(), "--serve",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(down[0]);
    close(up[1]);
    to_ = fdopen(down[1], "w");
    from_ = fdopen(up[0], "r");
    EDDYOP_CHECK(line() == "ready", "bench_fno",
                 "the PyTorch side (" << script << ") did not start; is python3-torch installed?");
  }
  ~TorchPeer() {
    if (to_) fclose(to_);
    if (from_) fclose(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  double step(const char* what) {  // ms of one step, timed by PyTorch's side
    std::fprintf(to_, "%s\n", what);
    std::fflush(to_);
    std::istringstream s(line());
    std::string key;
    double ms = -1;
    s >> key >> ms;
    EDDYOP_CHECK(key == "ms" && ms >= 0, "bench_fno",
                 "the PyTorch side answered '" << s.str() << "'");
    return ms;
  }
  double quit() {  // its peak memory in MB
    std::fprintf(to_, "quit\n");
    std::fflush(to_);
    std::istringstream s(line());
    std::string key;
    double mb = 0;
    s >> key >> mb;
    return mb;
  }

 private:
  std::string line() {
    char buf[512];
    if (!fgets(buf, sizeof buf, from_)) return "";
    std::string l(buf);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    return l;
  }
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int reps = 10, gap_ms = 30, block = 10;
  bool torch = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--gap-ms") && i + 1 < argc) gap_ms = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--block") && i + 1 < argc) block = std::max(1, std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--no-torch")) torch = false;
  }
  double train_ms = 0, infer_ms = 0, rss = 0, torch_train_ms = 0, torch_infer_ms = 0, torch_rss = 0;
  std::size_t arena_train = 0, arena_infer = 0;
  {
    Runtime runtime;
    runtime.start_petsc(argv[0], {});
    runtime.start_kokkos(threads);
    // Kokkos Serial runs its loops on one core: the elementwise kernels and the GEMMs share the
    // host pool (OpenBLAS itself at one thread), the FFTs FFTW's threads.
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
    step();  // warm-up: the arena reaches its high-water mark, FFTW plans are measured
    step();
    arena_train = tape.arena_peak_bytes();

    auto x1 = tensor::Tensor::zeros(Shape{1, 1, S, S});
    tensor::from_host(x1, std::vector<float>(h.begin(), h.begin() + S * S));
    tensor::Tape<float> infer_tape(false);
    auto infer = [&]() {
      infer_tape.reset();
      model.forward(infer_tape, infer_tape.input(x1));
    };
    infer();
    infer();
    arena_infer = infer_tape.arena_peak_bytes();

    std::unique_ptr<TorchPeer> peer;
    if (torch) peer = std::make_unique<TorchPeer>(threads);
    std::vector<double> ours_train, ours_infer, theirs_train, theirs_infer;
    auto gap = [&]() { std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms)); };
    for (int r = 0; r < reps; ++r) {
      gap();
      ours_train.push_back(time_ms(step));
      if (!peer) continue;
      gap();
      theirs_train.push_back(peer->step("train"));
    }
    tape.reset();
    const std::string infer_block = "infer " + std::to_string(block);
    for (int r = 0; r < reps; ++r) {
      gap();
      infer();  // wakes the threads; untimed
      ours_infer.push_back(time_ms([&]() {
                             for (int i = 0; i < block; ++i) infer();
                           }) /
                           block);
      if (!peer) continue;
      gap();
      theirs_infer.push_back(peer->step(infer_block.c_str()));
    }
    rss = peak_rss_mb();
    train_ms = median(ours_train);
    infer_ms = median(ours_infer);
    if (peer) {
      torch_train_ms = median(theirs_train);
      torch_infer_ms = median(theirs_infer);
      torch_rss = peer->quit();
    }
  }
  std::printf("threads %d\n", threads);
  std::printf("gap_ms %d infer_block %d\n", gap_ms, block);
  std::printf("eddyop_train_ms %.3f\n", train_ms);
  std::printf("eddyop_infer_ms %.3f\n", infer_ms);
  std::printf("eddyop_arena_mb train %.1f infer %.1f\n",
              static_cast<double>(arena_train) / 1048576.0,
              static_cast<double>(arena_infer) / 1048576.0);
  std::printf("eddyop_peak_rss_mb %.1f\n", rss);
  if (!torch) return 0;
  std::printf("torch_train_ms %.3f\n", torch_train_ms);
  std::printf("torch_infer_ms %.3f\n", torch_infer_ms);
  std::printf("torch_peak_rss_mb %.1f\n", torch_rss);
  std::printf("speedup_train %.2f\n", torch_train_ms / train_ms);
  std::printf("speedup_infer %.2f\n", torch_infer_ms / infer_ms);
  return 0;
}
