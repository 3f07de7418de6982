// `eddyop generate` on 2 ranks: the samples are split across the ranks and written into one
// file whose fields are the same bits as a 1-rank run's, also when the 2-rank run is
// interrupted and resumed.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/hdf5/reader.hpp"
#include "eddyop/case_schema.hpp"
#include "solvers/generate.hpp"

namespace fs = std::filesystem;
namespace h5 = eddyop::h5;
using eddyop::config::Case;
using namespace eddyop::solvers;

namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

const char* kCases[] = {
    "case: {name: t, seed: 3}\n"
    "generate: {solver: ns2d}\n"
    "ns2d: {samples: 5, n: 16, n_store: 8, nu: 0.01, dt: 0.01, t_final: 0.1, "
    "record_interval: 0.05}\n",
    "case: {name: t, seed: 4}\n"
    "generate: {solver: darcy}\n"
    "darcy: {samples: 5, n: 17, n_store: 9}\n",
    "case: {name: t, seed: 5}\n"
    "generate: {solver: burgers, shard_samples: 2}\n"
    "burgers: {samples: 7, n: 64, n_store: 16, t_final: 0.1}\n",
};

Case make_case(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return Case::parse(text, "test.yaml", eddyop::cli::case_schema(), overrides);
}

class GenerateMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(eddyop_size(), 2) << "this test is meant for 2 ranks";
    long long pid = ::getpid();
    MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("eddyop_generate_mpi_" + std::to_string(pid) + "_" + info->name());
    if (rank() == 0) {
      fs::remove_all(dir_);
      fs::create_directories(dir_);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank() == 0) fs::remove_all(dir_);
  }
  static int eddyop_size() {
    int s = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
  }
  std::string run(const std::string& name) const { return (dir_ / name).string(); }

  // Every field of the 2-rank file equals the 1-rank file's, bit for bit (rank 0 reads both).
  void expect_same_fields(const std::string& two, const std::string& one) const {
    if (rank() != 0) return;
    h5::Reader a(two), b(one);
    ASSERT_EQ(a.fields(), b.fields());
    for (const auto& name : a.fields()) {
      std::vector<float> x, y;
      a.read_field(x, name);
      b.read_field(y, name);
      EXPECT_EQ(x, y) << name;
    }
    EXPECT_EQ(a.read_provenance().mpi_size, 2);
    EXPECT_EQ(b.read_provenance().mpi_size, 1);
  }

  fs::path dir_;
};

}  // namespace

TEST_F(GenerateMpi, TwoRanksWriteTheSameSamplesAsOneRank) {
  for (const char* text : kCases) {
    const Case c = make_case(text);
    const std::string solver = c.get<std::string>("generate.solver");
    const GenerateResult two = generate_dataset(c, run(solver + "2"), MPI_COMM_WORLD);
    ASSERT_TRUE(two.complete) << solver;
    EXPECT_EQ(two.made, two.samples) << solver;
    std::string one;
    if (rank() == 0) one = generate(c, run(solver + "1"), MPI_COMM_SELF);
    MPI_Barrier(MPI_COMM_WORLD);
    expect_same_fields(two.path, one);
  }
}

TEST_F(GenerateMpi, InterruptedTwoRankRunResumesToTheOneRankFile) {
  const Case cut = make_case(kCases[2], {"generate.max_shards=1"});
  // 4 shards; each rank makes 1 of its 2, then stops.
  const GenerateResult first = generate_dataset(cut, run("two"), MPI_COMM_WORLD);
  EXPECT_FALSE(first.complete);
  EXPECT_EQ(first.made, 4);
  // The rest, and the merge, on 2 ranks again: the missing shards 1 and 3 are split between them.
  const GenerateResult second = generate_dataset(make_case(kCases[2]), run("two"), MPI_COMM_WORLD);
  ASSERT_TRUE(second.complete);
  EXPECT_EQ(second.reused, 4);
  EXPECT_EQ(second.made, 3);
  std::string one;
  if (rank() == 0) one = generate(make_case(kCases[2]), run("one"), MPI_COMM_SELF);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_same_fields(second.path, one);
}
