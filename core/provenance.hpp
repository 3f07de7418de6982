// Where an output file came from: the code (version, git sha), the run (seed, MPI size, date,
// host) and the resolved case config, stored in every file eddyop writes so that a result can
// be traced and rerun.
#pragma once

#include <mpi.h>

#include <string>

namespace eddyop {

struct Provenance {
  std::string version;   // eddyop::kVersion, e.g. "0.1.0"
  std::string git_sha;   // eddyop::kGitSha; ends in "-dirty" for a modified tree
  std::string date_utc;  // ISO 8601 in UTC, e.g. "2024-05-01T12:34:56Z"
  std::string host;      // host name of rank 0
  long long seed = 0;
  int mpi_size = 1;
  std::string config_yaml;  // the resolved case config, as YAML text

  // Collective over `comm`: the date and host are rank 0's, so that every rank writes the same
  // attributes into a shared file.
  static Provenance collect(long long seed, std::string config_yaml, MPI_Comm comm);
};

// The current time as ISO 8601 in UTC to the second: "2024-05-01T12:34:56Z".
std::string iso8601_utc_now();

}  // namespace eddyop
