#include "operators/host_loop.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace eddyop::ops {

namespace {

std::atomic<int> g_threads{1};

// Workers block on a condition variable between jobs (no spinning: OpenBLAS's and FFTW's threads
// share the same cores between the loops).
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(int parts, const std::function<void(int)>& part) {
    std::lock_guard<std::mutex> serial(run_mutex_);  // one job at a time
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (static_cast<int>(workers_.size()) < parts - 1) {
        const int id = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, id]() { work(id); });
      }
      part_ = &part;
      parts_ = parts;
      pending_ = parts - 1;
      ++generation_;
    }
    wake_.notify_all();
    part(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this]() { return pending_ == 0; });
    part_ = nullptr;
  }

 private:
  void work(int id) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)>* part = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&]() { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (id >= parts_) continue;  // not needed for this job
        part = part_;
      }
      (*part)(id);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* part_ = nullptr;
  int parts_ = 0, pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void set_host_threads(int threads) {
  EDDYOP_CHECK(threads >= 1, "host_for", "threads = " << threads << " must be at least 1");
  g_threads = threads;
}

int host_threads() {
  return g_threads;
}

namespace detail {

void run_parts(int parts, const std::function<void(int)>& part) {
  if (parts <= 1) {
    part(0);
    return;
  }
  pool().run(parts, part);
}

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

}  // namespace detail

}  // namespace eddyop::ops
