// The HDF5 store on 2 ranks: each rank writes its own samples of a field into one shared file
// (MPI-IO, collective transfer), and the file reads back the same with our reader on one rank,
// with our reader on all ranks, with h5py, and as a file written by one rank alone.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/provenance.hpp"

namespace fs = std::filesystem;
namespace h5 = eddyop::h5;

namespace {

int rank_of(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int size_of(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

// One directory for all ranks, chosen on rank 0, removed afterwards.
class Hdf5StoreMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(size_of(MPI_COMM_WORLD), 2) << "this test is meant for 2 ranks";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string dir = (fs::temp_directory_path() /
                       ("eddyop_hdf5_store_mpi_" + std::to_string(::getpid()) + "_" + info->name()))
                          .string();
    int n = static_cast<int>(dir.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
    dir.resize(static_cast<std::size_t>(n));
    MPI_Bcast(dir.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
    dir_ = dir;
    if (rank_of(MPI_COMM_WORLD) == 0) {
      fs::remove_all(dir_);
      fs::create_directories(dir_);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  void TearDown() override {
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank_of(MPI_COMM_WORLD) == 0) fs::remove_all(dir_);
  }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// The test data: u (5, 2, 3, 4) float32 with u[n, t, x, y] = 1000 n + 100 t + 10 x + y, exact in
// float32, and p (5, 6) float64 with p[n, i] = n + i / 7.
constexpr std::int64_t kSamples = 5;
const h5::Shape kShapeU = {kSamples, 2, 3, 4};
const h5::Shape kShapeP = {kSamples, 6};

std::vector<float> expected_u(std::int64_t first, std::int64_t count) {  // (count, 2, 3, 4)
  std::vector<float> u;
  for (std::int64_t n = first; n < first + count; ++n)
    for (int t = 0; t < 2; ++t)
      for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 4; ++y)
          u.push_back(static_cast<float>(1000 * n + 100 * t + 10 * x + y));
  return u;
}

std::vector<double> expected_p(std::int64_t first, std::int64_t count) {  // (count, 6)
  std::vector<double> p;
  for (std::int64_t n = first; n < first + count; ++n)
    for (int i = 0; i < 6; ++i) p.push_back(static_cast<double>(n) + i / 7.0);
  return p;
}

const std::vector<double> kX = {0.0, 1.0 / 3.0, 2.0 / 3.0};
const std::vector<double> kY = {-1.0, -0.5, 0.5, 1.0};
const std::string kConfig = "case: channel\nsolver: {nx: 3, ny: 4}\n";

// This rank's share of n samples, the first ranks taking one more: 5 on 2 ranks is 3 + 2.
void my_samples(std::int64_t& first, std::int64_t& count, std::int64_t n, MPI_Comm comm) {
  const std::int64_t size = size_of(comm), rank = rank_of(comm);
  const std::int64_t base = n / size, extra = n % size;
  count = base + (rank < extra ? 1 : 0);
  first = rank * base + std::min(rank, extra);
}

// Writes the test file from all ranks of `comm`, each rank its own samples.
void write_test_file(const std::string& path, MPI_Comm comm) {
  std::int64_t first = 0, count = 0;
  my_samples(first, count, kSamples, comm);
  h5::Writer out(path, "trajectory", comm);
  out.create_field("u", h5::DType::kFloat32, "sample,time,x,y", kShapeU);
  out.write_slab("u", expected_u(first, count).data(), first, count);
  out.create_field("p", h5::DType::kFloat64, "sample,i", kShapeP);
  out.write_slab("p", expected_p(first, count).data(), first, count);
  out.write_coordinate("x", kX);
  out.write_coordinate("y", kY);
  out.write_attribute(h5::kPhysicsGroup, "Re_tau", 180.0);
  out.write_attribute(h5::kPhysicsGroup, "sampling_interval", 10);
  out.write_attribute(h5::kPhysicsGroup, "sgs_model", "wale");
  out.write_provenance(eddyop::Provenance::collect(11, kConfig, comm));
  out.close();
}

// The sums read_with_h5py.py reports, computed here from the expected values.
template <class T>
void sums(double& sum, double& weighted_sum, const std::vector<T>& v) {
  sum = weighted_sum = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += static_cast<double>(v[i]);
    weighted_sum += static_cast<double>(v[i]) * static_cast<double>(i + 1);
  }
}

std::string environment_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

TEST_F(Hdf5StoreMpi, RanksWriteUnevenSlabsIntoOneFileThatReadsBackOnOneRank) {
  std::int64_t first = 0, count = 0;
  my_samples(first, count, kSamples, MPI_COMM_WORLD);
  EXPECT_EQ(count, rank_of(MPI_COMM_WORLD) == 0 ? 3 : 2);
  write_test_file(file("run.h5"), MPI_COMM_WORLD);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    h5::Reader in(file("run.h5"), MPI_COMM_SELF);
    EXPECT_EQ(in.kind(), "trajectory");
    EXPECT_EQ(in.fields(), (std::vector<std::string>{"p", "u"}));
    EXPECT_EQ(in.field("u").shape, kShapeU);
    EXPECT_EQ(in.field("u").axes, "sample,time,x,y");
    std::vector<float> u;
    std::vector<double> p;
    in.read_field(u, "u");
    in.read_field(p, "p");
    EXPECT_EQ(u, expected_u(0, kSamples));
    EXPECT_EQ(p, expected_p(0, kSamples));
    EXPECT_EQ(in.read_coordinate("x"), kX);
    EXPECT_EQ(in.read_coordinate("y"), kY);
    EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "Re_tau"), 180.0);
    EXPECT_EQ(in.read_int(h5::kPhysicsGroup, "sampling_interval"), 10);
    EXPECT_EQ(in.read_string(h5::kPhysicsGroup, "sgs_model"), "wale");
    const auto prov = in.read_provenance();
    EXPECT_EQ(prov.mpi_size, 2);
    EXPECT_EQ(prov.seed, 11);
    EXPECT_EQ(prov.config_yaml, kConfig);
  }
}

TEST_F(Hdf5StoreMpi, RanksReadTheirOwnSlabsCollectively) {
  write_test_file(file("run.h5"), MPI_COMM_WORLD);
  h5::Reader in(file("run.h5"), MPI_COMM_WORLD);
  // The other split of the writers': rank 0 reads 2 samples, rank 1 reads 3.
  const std::int64_t first = rank_of(MPI_COMM_WORLD) == 0 ? 0 : 2;
  const std::int64_t count = rank_of(MPI_COMM_WORLD) == 0 ? 2 : 3;
  std::vector<float> u;
  in.read_slab(u, "u", first, count);
  EXPECT_EQ(u, expected_u(first, count));
  std::vector<float> p;
  in.read_slab(p, "p", first, count, h5::Convert::kYes);
  const auto p_double = expected_p(first, count);
  EXPECT_EQ(p, std::vector<float>(p_double.begin(), p_double.end()));
}

TEST_F(Hdf5StoreMpi, FileWrittenByTwoRanksReadsTheSameWithH5py) {
  write_test_file(file("run.h5"), MPI_COMM_WORLD);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    const std::string python = environment_or("EDDYOP_PYTHON", "/usr/bin/python3");
    const std::string script =
        environment_or("EDDYOP_SOURCE_DIR",
                       fs::path(__FILE__).parent_path().parent_path().parent_path().string()) +
        "/tests/core/read_with_h5py.py";
    // Debian's h5py picks its MPI build when it sees mpiexec's variables; the script is serial.
    const std::string command = "env -u OMPI_COMM_WORLD_SIZE -u MPI_LOCALNRANKS '" + python +
                                "' '" + script + "' '" + file("run.h5") + "' 2>'" +
                                file("h5py.err") + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << command;
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;)
      output.append(buffer, n);
    const int status = ::pclose(pipe);
    std::string errors;
    if (FILE* e = std::fopen(file("h5py.err").c_str(), "r")) {
      for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), e)) > 0;)
        errors.append(buffer, n);
      std::fclose(e);
    }
    ASSERT_EQ(status, 0) << command << "\n" << errors;

    const auto summary = nlohmann::json::parse(output);
    EXPECT_EQ(summary["root"]["format"], "eddyop");
    EXPECT_EQ(summary["root"]["format_version"], 1);
    EXPECT_EQ(summary["root"]["kind"], "trajectory");

    const auto& u = summary["fields"]["u"];
    EXPECT_EQ(u["shape"].get<h5::Shape>(), kShapeU);
    EXPECT_EQ(u["dtype"], "float32");
    EXPECT_EQ(u["axes"], "sample,time,x,y");
    double sum = 0, weighted = 0;
    sums(sum, weighted, expected_u(0, kSamples));
    EXPECT_EQ(u["sum"].get<double>(), sum);  // integers: exact in either order of summation
    EXPECT_EQ(u["weighted_sum"].get<double>(), weighted);

    const auto& p = summary["fields"]["p"];
    EXPECT_EQ(p["shape"].get<h5::Shape>(), kShapeP);
    EXPECT_EQ(p["dtype"], "float64");
    sums(sum, weighted, expected_p(0, kSamples));
    EXPECT_NEAR(p["sum"].get<double>(), sum, 1e-12 * std::abs(sum));
    EXPECT_NEAR(p["weighted_sum"].get<double>(), weighted, 1e-12 * std::abs(weighted));

    EXPECT_EQ(summary["grid"]["x"].get<std::vector<double>>(), kX);
    EXPECT_EQ(summary["grid"]["y"].get<std::vector<double>>(), kY);
    EXPECT_EQ(summary["physics"]["Re_tau"], 180.0);
    EXPECT_EQ(summary["physics"]["sampling_interval"], 10);
    EXPECT_EQ(summary["physics"]["sgs_model"], "wale");
    EXPECT_EQ(summary["provenance"]["config"], kConfig);
    EXPECT_EQ(summary["provenance"]["seed"], 11);
    EXPECT_EQ(summary["provenance"]["mpi_size"], 2);
    EXPECT_EQ(summary["provenance"]["version"],
              eddyop::Provenance::collect(0, "", MPI_COMM_SELF).version);
  }
}

TEST_F(Hdf5StoreMpi, OneRankWriteHoldsTheSameBytesAsTheTwoRankWrite) {
  write_test_file(file("two.h5"), MPI_COMM_WORLD);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    write_test_file(file("one.h5"), MPI_COMM_SELF);
    h5::Reader one(file("one.h5")), two(file("two.h5"));
    EXPECT_EQ(one.read_int(h5::kProvenanceGroup, "mpi_size"), 1);
    std::vector<float> u1, u2;
    std::vector<double> p1, p2;
    one.read_field(u1, "u");
    two.read_field(u2, "u");
    one.read_field(p1, "p");
    two.read_field(p2, "p");
    ASSERT_EQ(u1.size(), u2.size());
    ASSERT_EQ(p1.size(), p2.size());
    EXPECT_EQ(std::memcmp(u1.data(), u2.data(), u1.size() * sizeof(float)), 0);
    EXPECT_EQ(std::memcmp(p1.data(), p2.data(), p1.size() * sizeof(double)), 0);
  }
}

TEST_F(Hdf5StoreMpi, ProvenanceIsRankZerosOnEveryRank) {
  const auto p = eddyop::Provenance::collect(3, kConfig, MPI_COMM_WORLD);
  EXPECT_EQ(p.mpi_size, 2);
  // Rank 0's date and host, broadcast, must equal what every rank holds.
  std::string date = p.date_utc, host = p.host;
  char buffer[512] = {};
  std::snprintf(buffer, sizeof(buffer), "%s|%s", date.c_str(), host.c_str());
  char root[512] = {};
  std::memcpy(root, buffer, sizeof(buffer));
  MPI_Bcast(root, sizeof(root), MPI_CHAR, 0, MPI_COMM_WORLD);
  EXPECT_STREQ(buffer, root);
}

TEST_F(Hdf5StoreMpi, WriterDestroyedWithoutCloseOnAllRanksRemovesTheTemporaryFile) {
  write_test_file(file("run.h5"), MPI_COMM_WORLD);
  const auto size_before = fs::file_size(file("run.h5"));
  std::string temporary;
  try {
    h5::Writer out(file("run.h5"), "trajectory", MPI_COMM_WORLD);
    temporary = out.temporary_path();
    out.create_field("v", h5::DType::kFloat32, "sample", {4});
    throw std::runtime_error("the rollout diverged");
  } catch (const std::runtime_error&) {
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_EQ(fs::file_size(file("run.h5")), size_before);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    EXPECT_EQ(h5::Reader(file("run.h5")).fields(), (std::vector<std::string>{"p", "u"}));
  }
}

TEST_F(Hdf5StoreMpi, BadSlabOnOneRankThrowsOnEveryRankInsteadOfHanging) {
  std::string message;
  try {
    h5::Writer out(file("run.h5"), "trajectory", MPI_COMM_WORLD);
    out.create_field("u", h5::DType::kFloat32, "sample,time,x,y", kShapeU);
    const bool is_rank1 = rank_of(MPI_COMM_WORLD) == 1;
    const auto u = expected_u(0, 3);
    out.write_slab("u", u.data(), is_rank1 ? 4 : 0, is_rank1 ? 3 : 3);  // rank 1: [4, 7)
    ADD_FAILURE() << "write_slab did not throw";
  } catch (const eddyop::Error& e) {
    message = e.what();
  }
  const std::string at = "eddyop::hdf5: '" + file("run.h5") + "': ";
  if (rank_of(MPI_COMM_WORLD) == 1) {
    EXPECT_EQ(message, at + "write_slab of samples [4, 7) of /fields/u, which has 5 along its "
                            "leading axis");
  } else {
    EXPECT_EQ(message, at + "rank 1 rejected its part of a collective write; see its message");
  }
  EXPECT_FALSE(fs::exists(file("run.h5")));
}

TEST_F(Hdf5StoreMpi, RanksThatDisagreeOnAFieldShapeAreRefused) {
  std::string message;
  try {
    h5::Writer out(file("run.h5"), "trajectory", MPI_COMM_WORLD);
    out.create_field("u", h5::DType::kFloat32, "sample,x", {5, 3 + rank_of(MPI_COMM_WORLD)});
  } catch (const eddyop::Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("the ranks disagree on the name, type, axes or shape of a field"),
            std::string::npos)
      << message;
}
