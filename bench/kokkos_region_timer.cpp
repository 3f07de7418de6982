// A minimal Kokkos Tools library for profiles by region: exclusive thread-CPU and wall seconds
// per kernel and profiling-region name (Kokkos::parallel_for / reduce, pushRegion, host_for's
// begin/end events), on the calling thread. Built as build/bench/libkokkos_region_timer.so (it
// links nothing of eddyop); load it with
//
//   export KOKKOS_PROFILE_LIBRARY=$PWD/build/bench/libkokkos_region_timer.so KP_PREFIX=/tmp/prof
//   build-<dir>/bench/bench_ifactformer --threads 1 --reps 2 --no-b5 --les-steps 5
//
// Every time the region named by KP_MARK (default eddyop::IFactFormer::forward) opens at the top
// level, the table since the previous mark is written to KP_PREFIX_<nn>.txt and reset, so that
// each forward (or training step: forward and its backward) gets its own table; the rest goes to
// KP_PREFIX_final.txt. Use --threads 1 for exact attribution: work done by pool threads is not
// on the calling thread's clock. GEMMs count in the region that calls them.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

double thread_cpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
double wall() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Total {
  double cpu = 0, wall = 0;
  long calls = 0;
};
struct Frame {
  std::string name;
  double cpu0, wall0, child_cpu = 0, child_wall = 0;
};

std::map<std::string, Total> totals;
std::vector<Frame> stack;
int marks = 0;

std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

void dump(const std::string& path) {
  std::vector<std::pair<std::string, Total>> rows(totals.begin(), totals.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.second.cpu > b.second.cpu; });
  double cpu = 0;
  for (const auto& r : rows) cpu += r.second.cpu;
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return;
  std::fprintf(f, "total exclusive cpu_s %.3f\n", cpu);
  for (const auto& r : rows)
    std::fprintf(f, "%9.3f cpu_s %9.3f wall_s %8ld calls  %s\n", r.second.cpu, r.second.wall,
                 r.second.calls, r.first.c_str());
  std::fclose(f);
}

void push(const char* name) {
  static const std::string mark = env("KP_MARK", "eddyop::IFactFormer::forward");
  if (stack.empty() && mark == name) {
    char tail[32];
    std::snprintf(tail, sizeof tail, "_%02d.txt", marks++);
    dump(env("KP_PREFIX", "/tmp/kp") + tail);
    totals.clear();
  }
  stack.push_back(Frame{name, thread_cpu(), wall()});
}

void pop() {
  if (stack.empty()) return;
  const Frame f = stack.back();
  stack.pop_back();
  const double c = thread_cpu() - f.cpu0, w = wall() - f.wall0;
  Total& t = totals[f.name];
  t.cpu += c - f.child_cpu;
  t.wall += w - f.child_wall;
  ++t.calls;
  if (!stack.empty()) {
    stack.back().child_cpu += c;
    stack.back().child_wall += w;
  }
}

}  // namespace

extern "C" {
void kokkosp_init_library(int, uint64_t, uint32_t, void*) {}
void kokkosp_finalize_library() {
  dump(env("KP_PREFIX", "/tmp/kp") + "_final.txt");
}
void kokkosp_begin_parallel_for(const char* name, uint32_t, uint64_t*) {
  push(name);
}
void kokkosp_end_parallel_for(uint64_t) {
  pop();
}
void kokkosp_begin_parallel_reduce(const char* name, uint32_t, uint64_t*) {
  push(name);
}
void kokkosp_end_parallel_reduce(uint64_t) {
  pop();
}
void kokkosp_begin_parallel_scan(const char* name, uint32_t, uint64_t*) {
  push(name);
}
void kokkosp_end_parallel_scan(uint64_t) {
  pop();
}
void kokkosp_push_profile_region(const char* name) {
  push(name);
}
void kokkosp_pop_profile_region() {
  pop();
}
void kokkosp_begin_deep_copy(void*, const char*, const void*, void*, const char*, const void*,
                             uint64_t) {
  push("deep_copy");
}
void kokkosp_end_deep_copy() {
  pop();
}
}
