#include "core/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <utility>

namespace eddyop {

namespace {
double steady_seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}
constexpr double kBarRedrawSeconds = 0.1;  // a faster redraw only costs time
constexpr int kBarWidth = 24;
}  // namespace

Progress::Progress(std::string label, long total, ProgressOptions options)
    : label_(std::move(label)), total_(total), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  bar_ = options_.bar.value_or(options_.stream != nullptr && isatty(fileno(options_.stream)));
  start_ = now();
  last_print_ = start_;
}

Progress::~Progress() {
  // A bar left half drawn would swallow the next message; end its line.
  if (options_.enabled && bar_ && !finished_) std::fputc('\n', options_.stream);
}

double Progress::now() const {
  return options_.clock();
}

double Progress::elapsed() const {
  return now() - start_;
}

double Progress::eta(long done) const {
  if (total_ <= 0 || done <= 0) return -1.0;
  return elapsed() / static_cast<double>(done) * static_cast<double>(total_ - done);
}

std::string Progress::format_duration(double seconds) {
  char buf[32];
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  if (seconds < 1.0) {
    std::snprintf(buf, sizeof buf, "%.0fms", seconds * 1e3);
  } else if (seconds < 60.0) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else if (seconds < 3600.0) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60.0);
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", m / 60, m % 60);
  }
  return buf;
}

std::string Progress::line(long done, std::string_view status, bool with_bar) const {
  std::string s = label_;
  char buf[96];
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    if (with_bar) {
      const int filled = static_cast<int>(frac * kBarWidth);
      s += " [" + std::string(filled, '#') + std::string(kBarWidth - filled, ' ') + "]";
    }
    std::snprintf(buf, sizeof buf, " %ld/%ld (%.1f%%)", done, total_, 100.0 * frac);
    s += buf;
  } else {
    s += " " + std::to_string(done);
  }
  s += " elapsed " + format_duration(elapsed());
  if (total_ > 0 && done < total_) s += " ETA " + format_duration(eta(done));
  if (!status.empty()) {
    s += "  ";
    s += status;
  }
  return s;
}

void Progress::update(long done, std::string_view status) {
  last_done_ = done;
  if (!options_.enabled || finished_) return;
  const double t = now();
  if (bar_) {
    if (t - last_print_ < kBarRedrawSeconds && done < total_) return;
    // \r returns to the start of the line and ESC[K clears what a longer line left behind.
    std::fprintf(options_.stream, "\r%s\x1b[K", line(done, status, true).c_str());
    std::fflush(options_.stream);
    last_print_ = t;
    return;
  }
  const bool by_time = t - last_print_ >= options_.every_seconds;
  const bool by_steps =
      options_.every_steps > 0 && done - last_step_printed_ >= options_.every_steps;
  if (!by_time && !by_steps) return;
  std::fprintf(options_.stream, "%s\n", line(done, status, false).c_str());
  std::fflush(options_.stream);
  last_print_ = t;
  last_step_printed_ = done;
}

void Progress::finish(std::string_view status) {
  if (finished_) return;
  finished_ = true;
  if (!options_.enabled) return;
  const long done = total_ > 0 ? total_ : last_done_;
  if (bar_) {
    std::fprintf(options_.stream, "\r%s\x1b[K\n", line(done, status, true).c_str());
  } else {
    std::fprintf(options_.stream, "%s\n", line(done, status, false).c_str());
  }
  std::fflush(options_.stream);
}

}  // namespace eddyop
