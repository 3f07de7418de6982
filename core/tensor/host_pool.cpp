#include "core/tensor/host_pool.hpp"

#include <cblas.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace eddyop::tensor {

namespace {

std::atomic<int> g_threads{1};
thread_local bool t_in_part = false;  // a part that asks for parts runs them itself, in order

// Workers block on a condition variable between jobs (no spinning: the other libraries' threads,
// FFTW's, share the same cores between the jobs).
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
  EDDYOP_CHECK(threads >= 1, "host threads", "threads = " << threads << " must be at least 1");
  g_threads = threads;
  openblas_set_num_threads(host_parts() ? 1 : threads);
}

int host_threads() {
  return g_threads;
}

bool in_host_part() {
  return t_in_part;
}

void run_parts(int parts, const std::function<void(int)>& part) {
  if (parts <= 1 || t_in_part) {
    for (int p = 0; p < parts; ++p) part(p);
    return;
  }
  auto in_part = [&part](int p) {
    t_in_part = true;
    part(p);
    t_in_part = false;
  };
  if (host_serial()) {
    pool().run(parts, in_part);
    return;
  }
  // A threaded host backend: one part per iteration on Kokkos' threads.
  Kokkos::parallel_for(
      "eddyop::run_parts",
      Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace, Kokkos::Schedule<Kokkos::Static>>(
          0, parts),
      [&in_part](int p) { in_part(p); });
  Kokkos::DefaultHostExecutionSpace().fence();
}

}  // namespace eddyop::tensor
