#include "core/provenance.hpp"

#include <unistd.h>

#include <ctime>
#include <utility>

#include "core/mpi.hpp"
#include "eddyop/version.hpp"

namespace eddyop {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

std::string iso8601_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32] = {};
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Provenance Provenance::collect(long long seed, std::string config_yaml, MPI_Comm comm) {
  Provenance p;
  p.version = kVersion;
  p.git_sha = kGitSha;
  p.date_utc = mpi::broadcast_string(comm, iso8601_utc_now());
  p.host = mpi::broadcast_string(comm, host_name());
  p.seed = seed;
  MPI_Comm_size(comm, &p.mpi_size);
  p.config_yaml = std::move(config_yaml);
  return p;
}

}  // namespace eddyop
