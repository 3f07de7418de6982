// Restart equivalence and bad input: a run stopped at a checkpoint and restarted reproduces the
// uninterrupted run bit for bit; invalid settings are rejected naming the parameter.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "solvers/channel/output.hpp"
#include "solvers/channel/solver.hpp"
#include "tests/solvers/channel_fixtures.hpp"

using namespace eddyop;
using namespace eddyop::solvers::channel;

namespace {

ChannelParams small(SgsModel model) {
  return eddyop::testing::small_channel(model);
}

std::vector<double> state(const ChannelSolver& s) {
  std::vector<double> u, v, w, p;
  s.get_state(u, v, w, p);
  for (auto* f : {&v, &w, &p}) u.insert(u.end(), f->begin(), f->end());
  return u;
}

std::string expect_error(const ChannelParams& p) {
  try {
    validate(p, 1);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ChannelRestart, RestartedRunReproducesTheUninterruptedOneBitwise) {
  const auto dir = std::filesystem::temp_directory_path() / "eddyop_channel_restart";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "checkpoint.h5").string();
  for (SgsModel model : {SgsModel::none, SgsModel::wale, SgsModel::dynamic_smagorinsky}) {
    const ChannelParams p = small(model);
    ChannelSolver a(p, MPI_COMM_SELF);
    a.set_laminar_with_trip(15.0, 9, 0.5);
    for (int k = 0; k < 6; ++k) a.step();
    ChannelSolver b(p, MPI_COMM_SELF);
    b.set_laminar_with_trip(15.0, 9, 0.5);
    for (int k = 0; k < 3; ++k) b.step();
    write_checkpoint(file, b, Provenance{});
    ChannelSolver c(p, MPI_COMM_SELF);
    read_checkpoint(file, c);
    EXPECT_EQ(c.time(), b.time());
    for (int k = 0; k < 3; ++k) c.step();
    EXPECT_EQ(c.time(), a.time()) << sgs_name(model);
    EXPECT_EQ(state(c), state(a)) << sgs_name(model);
  }
  std::filesystem::remove_all(dir);
}

TEST(ChannelRestart, ACheckpointOfAnotherGridIsRefusedNamingTheMismatch) {
  const auto dir = std::filesystem::temp_directory_path() / "eddyop_channel_restart2";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "checkpoint.h5").string();
  ChannelSolver a(small(SgsModel::none), MPI_COMM_SELF);
  a.set_laminar_with_trip(15.0, 9, 0.5);
  write_checkpoint(file, a, Provenance{});
  ChannelParams q = small(SgsModel::none);
  q.nx = 32;
  q.out_nx = 8;
  ChannelSolver b(q, MPI_COMM_SELF);
  EXPECT_THROW(read_checkpoint(file, b), Error);
  std::filesystem::remove_all(dir);
}

TEST(ChannelInput, BadSettingsAreRejectedNamingTheParameter) {
  ChannelParams p = small(SgsModel::none);
  p.nx = 15;
  EXPECT_NE(expect_error(p).find("nx = 15"), std::string::npos) << expect_error(p);
  p = small(SgsModel::none);
  p.cfl = 2.0;
  EXPECT_NE(expect_error(p).find("cfl = 2"), std::string::npos) << expect_error(p);
  p = small(SgsModel::none);
  p.out_nx = 5;
  EXPECT_NE(expect_error(p).find("out_nx = 5"), std::string::npos) << expect_error(p);
  p = small(SgsModel::none);
  p.out_ny = 4;  // 3 coarse cells do not tile 16 fine ones
  EXPECT_NE(expect_error(p).find("out_ny = 4"), std::string::npos) << expect_error(p);
  p = small(SgsModel::none);
  EXPECT_THROW(validate(p, 8), Error);  // 8 z planes cannot give each of 8 ranks two
  EXPECT_EQ(expect_error(small(SgsModel::none)), "no error");
}

TEST(ChannelInput, CaseSectionValidatesAndReadsBack) {
  config::Section root("case file", "test");
  config::Section c("case", "case");
  c.add_int("seed", 0, "seed");
  root.add_section(c);
  root.add_section(channel_section());
  const config::Case good = config::Case::parse(
      "case: {seed: 4}\nchannel: {nx: 32, ny: 33, nz: 16, sgs_model: wale, forcing: flow_rate}\n",
      "good.yaml", root);
  const ChannelParams p = params_from_case(good);
  EXPECT_EQ(p.nx, 32);
  EXPECT_EQ(p.nz, 16);
  EXPECT_EQ(p.sgs, SgsModel::wale);
  EXPECT_EQ(p.forcing, Forcing::flow_rate);
  EXPECT_EQ(p.seed, 4u);
  try {
    config::Case::parse("channel: {sgs_modle: wale}\n", "bad.yaml", root);
    FAIL() << "a misspelt key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sgs_modle"), std::string::npos) << e.what();
  }
  EXPECT_THROW(config::Case::parse("channel: {sgs_model: vreman}\n", "bad.yaml", root), Error);
}
