// `eddyop generate` for the PDE solvers on one rank: the dataset's fields, shapes, grid, physics
// and provenance; its samples are the solvers' samples; h5py reads it; an interrupted run
// resumes without remaking finished samples and ends with the same file; bad input is refused
// before anything runs.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "eddyop/case_schema.hpp"
#include "eddyop/generate_stage.hpp"
#include "solvers/generate.hpp"
#include "solvers/pde/burgers.hpp"
#include "solvers/pde/darcy.hpp"
#include "solvers/pde/ns2d.hpp"

namespace fs = std::filesystem;
namespace h5 = eddyop::h5;
using eddyop::config::Case;
using namespace eddyop::solvers;

namespace {

// Small enough to run in well under a second each.
const char* kNs2d =
    "case: {name: t, seed: 3}\n"
    "generate: {solver: ns2d}\n"
    "ns2d: {samples: 5, test_samples: 1, n: 16, n_store: 8, nu: 0.01, dt: 0.01, t_final: 0.1,\n"
    "       record_interval: 0.05}\n";
const char* kDarcy =
    "case: {name: t, seed: 4}\n"
    "generate: {solver: darcy}\n"
    "darcy: {samples: 6, test_samples: 2, n: 17, n_store: 9}\n";
const char* kBurgers =
    "case: {name: t, seed: 5}\n"
    "generate: {solver: burgers, shard_samples: 2}\n"
    "burgers: {samples: 7, test_samples: 1, n: 64, n_store: 16, t_final: 0.1}\n";

Case make_case(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return Case::parse(text, "test.yaml", eddyop::cli::case_schema(), overrides);
}

class Generate : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("eddyop_generate_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string run(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::vector<float> field(const std::string& path, const std::string& name) {
  std::vector<float> v;
  h5::Reader(path).read_field(v, name);
  return v;
}

// in: (n, n) x fastest, as the solvers give it; out: (n, n) y fastest, as the dataset holds it.
std::vector<float> transposed(const std::vector<float>& in, std::size_t n, std::size_t offset = 0) {
  std::vector<float> out(n * n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i) out[i * n + j] = in[offset + j * n + i];
  return out;
}

std::string run_h5py(const std::string& file) {
  const char* python = std::getenv("EDDYOP_PYTHON");
  const char* source = std::getenv("EDDYOP_SOURCE_DIR");
  const std::string script =
      (source ? std::string(source)
              : fs::path(__FILE__).parent_path().parent_path().parent_path().string()) +
      "/tests/core/read_with_h5py.py";
  const std::string command = "env -u OMPI_COMM_WORLD_SIZE -u MPI_LOCALNRANKS '" +
                              std::string(python ? python : "/usr/bin/python3") + "' '" + script +
                              "' '" + file + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    output.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << command;
  return output;
}

}  // namespace

TEST_F(Generate, Ns2dDatasetHoldsTheTrajectoriesWithGridPhysicsAndProvenance) {
  const Case c = make_case(kNs2d);
  const GenerateResult r = generate_dataset(c, run("ns"), MPI_COMM_SELF);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.path, run("ns") + "/data/dataset.h5");
  EXPECT_EQ(r.made, 5);
  EXPECT_FALSE(fs::exists(r.path + ".shards"));

  h5::Reader in(r.path);
  EXPECT_EQ(in.kind(), "dataset");
  in.expect_field("vorticity", h5::DType::kFloat32, {5, 3, 8, 8});
  EXPECT_EQ(in.field("vorticity").axes, "sample,time,x,y");
  EXPECT_EQ(in.read_coordinate("x"),
            (std::vector<double>{0, .125, .25, .375, .5, .625, .75, .875}));
  EXPECT_EQ(in.read_coordinate("t"), (std::vector<double>{0.0, 0.05, 0.1}));
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "nu"), 0.01);
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "dt"), 0.01);
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "record_interval"), 0.05);
  EXPECT_EQ(in.read_int(h5::kPhysicsGroup, "n_solver"), 16);
  EXPECT_NE(in.read_string(h5::kPhysicsGroup, "forcing"), "none");
  EXPECT_EQ(in.read_string(h5::kRoot, "solver"), "ns2d");
  EXPECT_EQ(in.read_int(h5::kRoot, "test_samples"), 1);
  EXPECT_EQ(in.read_int(h5::kRoot, "train_samples"), 4);
  const auto prov = in.read_provenance();
  EXPECT_EQ(prov.seed, 3);
  EXPECT_EQ(prov.mpi_size, 1);
  EXPECT_EQ(prov.config_yaml, c.resolved_yaml());

  // Sample 3 is the solver's trajectory of sample 3, transposed to (x, y).
  Ns2dParams p;
  p.n = 16, p.n_store = 8, p.nu = 0.01, p.dt = 0.01, p.t_final = 0.1, p.record_interval = 0.05;
  const std::vector<float> expect = ns2d_sample(p, 3, 3);
  std::vector<float> got;
  in.read_slab(got, "vorticity", 3, 1);
  for (std::size_t t = 0; t < 3; ++t) {
    const auto want = transposed(expect, 8, t * 64);
    EXPECT_EQ(std::vector<float>(got.begin() + t * 64, got.begin() + (t + 1) * 64), want);
  }

  // The .xmf beside it names the file and the time series.
  const std::string xmf = eddyop::cli::write_dataset_xdmf(r.path, "ns2d");
  EXPECT_EQ(xmf, run("ns") + "/data/dataset.xmf");
  const std::string text = [&] {
    std::string s;
    FILE* f = std::fopen(xmf.c_str(), "r");
    for (int ch; (ch = std::fgetc(f)) != EOF;) s += static_cast<char>(ch);
    std::fclose(f);
    return s;
  }();
  EXPECT_NE(text.find("dataset.h5:/fields/vorticity"), std::string::npos);
  EXPECT_NE(text.find("<Time Value=\"0.10000000000000001\"/>"), std::string::npos) << text;
}

TEST_F(Generate, DarcyDatasetHoldsCoefficientAndSolutionOfEachSample) {
  const GenerateResult r = generate_dataset(make_case(kDarcy), run("darcy"), MPI_COMM_SELF);
  ASSERT_TRUE(r.complete);
  h5::Reader in(r.path);
  in.expect_field("a", h5::DType::kFloat32, {6, 9, 9});
  in.expect_field("u", h5::DType::kFloat32, {6, 9, 9});
  EXPECT_EQ(in.field("u").axes, "sample,x,y");
  EXPECT_EQ(in.read_coordinate("y").back(), 1.0);
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "a_minus"), 3.0);
  EXPECT_EQ(in.read_string(h5::kPhysicsGroup, "face"), "arithmetic");

  DarcyParams p;
  p.n = 17, p.n_store = 9;
  DarcySolver solver(p);
  const DarcySample s = darcy_sample(solver, p, 4, 5);
  std::vector<float> a, u;
  in.read_slab(a, "a", 5, 1);
  in.read_slab(u, "u", 5, 1);
  EXPECT_EQ(a, transposed(s.a, 9));
  EXPECT_EQ(u, transposed(s.u, 9));
  EXPECT_EQ(fs::path(eddyop::cli::write_dataset_xdmf(r.path, "darcy")).filename(), "dataset.xmf");
}

TEST_F(Generate, BurgersDatasetReadsBackWithH5py) {
  const Case c = make_case(kBurgers);
  const GenerateResult r = generate_dataset(c, run("b"), MPI_COMM_SELF);
  ASSERT_TRUE(r.complete);
  BurgersParams p;
  p.n = 64, p.n_store = 16, p.t_final = 0.1;
  const BurgersSample s = burgers_sample(p, 5, 6);
  std::vector<float> u0, ut;
  h5::Reader in(r.path);
  in.read_slab(u0, "u0", 6, 1);
  in.read_slab(ut, "uT", 6, 1);
  EXPECT_EQ(u0, s.u0);
  EXPECT_EQ(ut, s.uT);
  eddyop::cli::write_dataset_xdmf(r.path, "burgers");

  const auto summary = nlohmann::json::parse(run_h5py(r.path));
  EXPECT_EQ(summary["root"]["kind"], "dataset");
  EXPECT_EQ(summary["root"]["solver"], "burgers");
  EXPECT_EQ(summary["fields"]["u0"]["shape"], (std::vector<int>{7, 16}));
  EXPECT_EQ(summary["fields"]["uT"]["dtype"], "float32");
  EXPECT_EQ(summary["fields"]["uT"]["axes"], "sample,x");
  EXPECT_EQ(summary["grid"]["x"].size(), 16u);
  EXPECT_EQ(summary["physics"]["nu"], 0.1);
  EXPECT_EQ(summary["provenance"]["seed"], 5);
  EXPECT_EQ(summary["provenance"]["config"], c.resolved_yaml());
}

TEST_F(Generate, InterruptedRunResumesWithoutRemakingSamplesAndGivesTheSameFile) {
  // Uninterrupted: the reference.
  const GenerateResult whole = generate_dataset(make_case(kBurgers), run("whole"), MPI_COMM_SELF);
  ASSERT_TRUE(whole.complete);

  // Stopped after 2 of the 4 shards (2 + 2 + 2 + 1 samples), as a killed run would be, with a
  // killed writer's temporary shard left beside them.
  const GenerateResult first =
      generate_dataset(make_case(kBurgers, {"generate.max_shards=2"}), run("cut"), MPI_COMM_SELF);
  EXPECT_FALSE(first.complete);
  EXPECT_EQ(first.path, "");
  EXPECT_EQ(first.made, 4);
  const fs::path shards = run("cut") + "/data/dataset.h5.shards";
  ASSERT_TRUE(fs::exists(shards / "shard-0000000000-000002.h5"));
  ASSERT_TRUE(fs::exists(shards / "shard-0000000002-000002.h5"));
  EXPECT_FALSE(fs::exists(shards / "shard-0000000004-000002.h5"));
  EXPECT_FALSE(fs::exists(run("cut") + "/data/dataset.h5"));
  {
    std::FILE* f = std::fopen((shards / "shard-0000000004-000002.h5.tmp.99999").c_str(), "w");
    std::fputs("half a file", f);
    std::fclose(f);
  }

  const GenerateResult second = generate_dataset(make_case(kBurgers), run("cut"), MPI_COMM_SELF);
  ASSERT_TRUE(second.complete);
  EXPECT_EQ(second.reused, 4);
  EXPECT_EQ(second.made, 3);
  EXPECT_FALSE(fs::exists(shards));
  for (const char* name : {"u0", "uT"})
    EXPECT_EQ(field(second.path, name), field(whole.path, name)) << name;

  // Run again: the dataset is complete with these settings, nothing is made.
  const GenerateResult third = generate_dataset(make_case(kBurgers), run("cut"), MPI_COMM_SELF);
  EXPECT_TRUE(third.up_to_date);
  EXPECT_EQ(third.made, 0);
}

TEST_F(Generate, ResumedRunTakesFinishedShardsAsTheyAreWithoutRemakingThem) {
  generate_dataset(make_case(kBurgers, {"generate.max_shards=2"}), run("r"), MPI_COMM_SELF);
  // Put samples 0-1 where samples 2-3 are: a run that remade shard 1 would undo this.
  const fs::path shards = run("r") + "/data/dataset.h5.shards";
  fs::copy_file(shards / "shard-0000000000-000002.h5", shards / "shard-0000000002-000002.h5",
                fs::copy_options::overwrite_existing);
  const GenerateResult r = generate_dataset(make_case(kBurgers), run("r"), MPI_COMM_SELF);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.made, 3);
  std::vector<float> head, moved;
  h5::Reader in(r.path);
  in.read_slab(head, "u0", 0, 2);
  in.read_slab(moved, "u0", 2, 2);
  EXPECT_EQ(moved, head);
}

TEST_F(Generate, ShardsOfOtherSettingsAreRefusedNotMixedIn) {
  generate_dataset(make_case(kBurgers, {"generate.max_shards=1"}), run("x"), MPI_COMM_SELF);
  try {
    generate_dataset(make_case(kBurgers, {"burgers.nu=0.2"}), run("x"), MPI_COMM_SELF);
    FAIL() << "shards of nu = 0.1 were accepted for nu = 0.2";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("other settings"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("dataset.h5.shards"), std::string::npos) << e.what();
  }
}

TEST_F(Generate, SameSeedGivesTheSameBitsAndAnotherSeedOthers) {
  const auto a = generate_dataset(make_case(kDarcy), run("a"), MPI_COMM_SELF);
  const auto b = generate_dataset(make_case(kDarcy), run("b"), MPI_COMM_SELF);
  const auto c = generate_dataset(make_case(kDarcy, {"case.seed=9"}), run("c"), MPI_COMM_SELF);
  EXPECT_EQ(field(a.path, "u"), field(b.path, "u"));
  EXPECT_NE(field(a.path, "u"), field(c.path, "u"));
}

TEST(GenerateInput, BadSettingsAreRefusedBeforeTheRun) {
  auto refused = [](const std::string& text, const std::vector<std::string>& sets,
                    const std::string& words) {
    try {
      validate_generate(make_case(text, sets));
    } catch (const eddyop::Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "accepted: " << words;
  };
  refused(kNs2d, {"ns2d.nu=0"}, "'ns2d.nu'");
  refused(kNs2d, {"ns2d.dt=0.05"}, "dt = 0.05");
  refused(kNs2d, {"ns2d.n_store=5"}, "n_store");
  refused(kDarcy, {"darcy.n=400", "darcy.n_store=2"}, "coarsen");
  refused(kBurgers, {"burgers.dt=0.05"}, "dt");
  refused(kBurgers, {"burgers.test_samples=8"}, "test_samples = 8");
  refused(kNs2d, {"ns2d.nuu=1"}, "unknown key 'nuu'");
  refused(kNs2d, {"generate.solver=chanel"}, "chanel");
  EXPECT_NO_THROW(validate_generate(make_case(kNs2d)));
  EXPECT_NO_THROW(validate_generate(make_case(kNs2d, {"generate.solver=channel"})));
}

TEST(GenerateInput, ChannelSettingsAreValidatedBeforeTheRun) {
  const Case c = make_case(kNs2d, {"generate.solver=channel", "channel.nx=10", "channel.out_nx=4"});
  try {
    validate_generate(c);
    FAIL() << "accepted out_nx = 4 with nx = 10";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("out_nx"), std::string::npos) << e.what();
  }
}
