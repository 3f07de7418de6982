// One logger for eddyop (spdlog's default logger, configured here once per process).
//
// Rank 0 speaks at the chosen verbosity; other ranks only report warnings and errors, prefixed
// with their rank, so that a run on several ranks reads like a run on one.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace eddyop::log {

enum class Verbosity { quiet, normal, verbose, debug };

void init(Verbosity verbosity, int rank);
Verbosity verbosity();

// Parses "quiet", "normal", "verbose", "debug"; throws eddyop::Error on anything else.
Verbosity parse_verbosity(std::string_view name);

}  // namespace eddyop::log
