#include "core/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>
#include <string>

#include "core/error.hpp"

namespace eddyop::log {

namespace {
Verbosity g_verbosity = Verbosity::normal;

spdlog::level::level_enum level_for(Verbosity v, int rank) {
  if (rank != 0) return spdlog::level::warn;
  switch (v) {
    case Verbosity::quiet:
      return spdlog::level::warn;
    case Verbosity::normal:
      return spdlog::level::info;
    case Verbosity::verbose:
      return spdlog::level::debug;
    case Verbosity::debug:
      return spdlog::level::trace;
  }
  return spdlog::level::info;
}

// Info lines print bare; the other levels carry their name ("warning: ...").
class LevelTag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view tag;
    switch (msg.level) {
      case spdlog::level::trace:
        tag = "trace: ";
        break;
      case spdlog::level::debug:
        tag = "debug: ";
        break;
      case spdlog::level::warn:
        tag = "warning: ";
        break;
      case spdlog::level::err:
      case spdlog::level::critical:
        tag = "error: ";
        break;
      default:
        break;
    }
    dest.append(tag.data(), tag.data() + tag.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelTag>();
  }
};
}  // namespace

void init(Verbosity verbosity, int rank) {
  g_verbosity = verbosity;
  // Messages go to stderr so that stdout stays clean for what a command is asked to print.
  auto logger = std::make_shared<spdlog::logger>(
      "eddyop", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  const std::string prefix = rank == 0 ? "" : "[rank " + std::to_string(rank) + "] ";
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelTag>('*').set_pattern(prefix + "%^%*%$%v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(level_for(verbosity, rank));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

Verbosity verbosity() {
  return g_verbosity;
}

Verbosity parse_verbosity(std::string_view name) {
  if (name == "quiet") return Verbosity::quiet;
  if (name == "normal") return Verbosity::normal;
  if (name == "verbose") return Verbosity::verbose;
  if (name == "debug") return Verbosity::debug;
  EDDYOP_FAIL("log",
              "unknown verbosity '" << name << "' (accepted: quiet, normal, verbose, debug)");
}

}  // namespace eddyop::log
