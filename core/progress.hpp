// Progress reporting shared by solvers and trainers, on rank 0 only.
//
// On a terminal it redraws one bar with the ETA; otherwise (a log file, CI) it prints a plain
// line every `every_seconds` seconds or `every_steps` steps, so logs stay readable and short.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace eddyop {

struct ProgressOptions {
  double every_seconds = 10.0;  // plain mode: at most this long between two lines
  long every_steps = 0;         // plain mode: also a line every this many steps (0: time only)
  std::optional<bool> bar;      // default: a bar exactly when `stream` is a terminal
  std::FILE* stream = stderr;
  bool enabled = true;            // false on ranks other than 0
  std::function<double()> clock;  // seconds since an arbitrary origin; default steady clock
};

class Progress {
 public:
  // `total` steps to do; total <= 0 means unknown, and then no percentage or ETA is shown.
  Progress(std::string label, long total, ProgressOptions options = {});
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  // `done` steps are finished; `status` is appended, e.g. "t=1.25 dt=2.0e-3 CFL=0.41".
  void update(long done, std::string_view status = {});
  // Prints the final line (always, in both modes) with the total elapsed time.
  void finish(std::string_view status = {});

  double elapsed() const;
  // Seconds left, extrapolated from the mean rate so far; negative when unknown.
  double eta(long done) const;

  // "850ms", "12.3s", "3m05s", "2h07m"
  static std::string format_duration(double seconds);

 private:
  std::string line(long done, std::string_view status, bool with_bar) const;
  double now() const;

  std::string label_;
  long total_;
  ProgressOptions options_;
  bool bar_;
  double start_;
  double last_print_;
  long last_step_printed_ = 0;
  bool finished_ = false;
  long last_done_ = 0;
};

}  // namespace eddyop
