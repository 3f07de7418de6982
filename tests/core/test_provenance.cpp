// Provenance: what every output file records about the code and the run that wrote it.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <regex>
#include <string>

#include "core/provenance.hpp"
#include "eddyop/version.hpp"

TEST(Provenance, RecordsTheBuildVersionAndGitSha) {
  const auto p = eddyop::Provenance::collect(1, "", MPI_COMM_SELF);
  EXPECT_EQ(p.version, eddyop::kVersion);
  EXPECT_EQ(p.git_sha, eddyop::kGitSha);
  EXPECT_FALSE(p.version.empty());
  EXPECT_FALSE(p.git_sha.empty());
}

TEST(Provenance, KeepsTheSeedAndTheConfigText) {
  const std::string config = "model: fno\nmodes: [12, 12]\n";
  const auto p = eddyop::Provenance::collect(-42, config, MPI_COMM_SELF);
  EXPECT_EQ(p.seed, -42);
  EXPECT_EQ(p.config_yaml, config);
}

TEST(Provenance, MpiSizeIsTheSizeOfTheCommunicator) {
  int world = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  EXPECT_EQ(eddyop::Provenance::collect(0, "", MPI_COMM_SELF).mpi_size, 1);
  EXPECT_EQ(eddyop::Provenance::collect(0, "", MPI_COMM_WORLD).mpi_size, world);
}

TEST(Provenance, DateIsIso8601UtcToTheSecondAndIsNow) {
  const std::time_t before = std::time(nullptr);
  const auto p = eddyop::Provenance::collect(0, "", MPI_COMM_SELF);
  const std::time_t after = std::time(nullptr);
  ASSERT_TRUE(std::regex_match(p.date_utc, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << p.date_utc;
  std::tm utc{};
  ASSERT_NE(strptime(p.date_utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc), nullptr);
  const std::time_t stamp = timegm(&utc);
  EXPECT_LE(before, stamp);
  EXPECT_LE(stamp, after);
}

TEST(Provenance, HostIsThisMachine) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof(name) - 1), 0);
  EXPECT_EQ(eddyop::Provenance::collect(0, "", MPI_COMM_SELF).host, name);
}
