// Errors of several trajectories: which truth trajectory each run trajectory is compared with
// (a rollout's sample list), and the mean, spread and threshold crossings of hand-made curves.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "postprocess/trajectory_errors.hpp"

namespace pp = eddyop::postprocess;

namespace {

pp::RolloutErrors curve(const std::vector<double>& rel_l2) {
  pp::RolloutErrors e;
  e.steps = rel_l2.size();
  e.channels = 1;
  e.rel_l2 = rel_l2;
  e.rel_l2_channel = rel_l2;
  e.rel_l2_horizon = rel_l2;
  e.rel_l2_horizon_channel = rel_l2;
  e.correlation.assign(rel_l2.size(), 1.0);
  e.correlation_channel = e.correlation;
  return e;
}

}  // namespace

TEST(TrajectoryPairs, ARolloutIsMatchedToTheSamplesItLists) {
  // A rollout of samples 4 and 1 against a dataset of 5: truth trajectories 4 and 1.
  auto p = pp::pair_trajectories("r.h5", {4, 1}, 2, "d.h5", {}, 5);
  EXPECT_EQ(p.run_index, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(p.truth_index, (std::vector<std::size_t>{4, 1}));
  EXPECT_EQ(p.ids, (std::vector<long long>{4, 1}));
  // Against another rollout that lists 1 and 4: by sample, not by position.
  p = pp::pair_trajectories("r.h5", {4, 1}, 2, "t.h5", {1, 4}, 2);
  EXPECT_EQ(p.truth_index, (std::vector<std::size_t>{1, 0}));
  // No list: position by position, as many as both have.
  p = pp::pair_trajectories("r.h5", {}, 3, "d.h5", {}, 2);
  EXPECT_EQ(p.truth_index, (std::vector<std::size_t>{0, 1}));
  try {
    pp::pair_trajectories("r.h5", {9}, 1, "d.h5", {}, 5);
    FAIL() << "sample 9 of a 5-sample dataset was accepted";
  } catch (const eddyop::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'r.h5' holds a rollout of sample 9"), std::string::npos) << m;
    EXPECT_NE(m.find("'d.h5' has only 5 trajectories"), std::string::npos) << m;
  }
  EXPECT_THROW(pp::pair_trajectories("r.h5", {3}, 1, "t.h5", {1, 4}, 2), eddyop::Error);
}

TEST(TrajectoryErrors, MeanSpreadAndCrossingsOfHandMadeCurves) {
  const std::vector<double> time{0.0, 1.0, 2.0, 3.0};
  pp::TrajectoryPairs pairs;
  pairs.run_index = {0, 1, 2};
  pairs.truth_index = {0, 1, 2};
  pairs.ids = {0, 1, 2};
  // Crosses 0.3 at t = 1.5, never, and at t = 2.5; a NaN (zero truth) is left out of the mean.
  const auto e = pp::summarise_trajectory_errors(
      {curve({0.0, 0.2, 0.4, 0.6}), curve({0.0, 0.1, 0.1, 0.1}),
       curve({0.1, 0.1, 0.2, std::numeric_limits<double>::quiet_NaN()})},
      time, pairs, {"w"}, 0.3);
  EXPECT_NEAR(e.mean.rel_l2[1], 0.4 / 3.0, 1e-15);
  EXPECT_NEAR(e.mean.rel_l2[3], 0.35, 1e-15);  // (0.6 + 0.1) / 2
  EXPECT_NEAR(e.rel_l2_std[3], 0.25, 1e-15);
  EXPECT_NEAR(e.rel_l2_min[2], 0.1, 1e-15);
  EXPECT_NEAR(e.rel_l2_max[2], 0.4, 1e-15);
  EXPECT_TRUE(e.crossing[0].crossed);
  EXPECT_NEAR(e.crossing[0].time, 1.5, 1e-12);
  EXPECT_FALSE(e.crossing[1].crossed);
  EXPECT_FALSE(e.crossing[2].crossed);
  EXPECT_EQ(e.crossed, 1u);
  EXPECT_NEAR(e.crossing_time_mean, 1.5, 1e-12);
  // The mean (0.0333, 0.133, 0.233, 0.35) crosses 0.3 between t = 2 and 3.
  ASSERT_TRUE(e.mean_crossing.crossed);
  EXPECT_NEAR(e.mean_crossing.time, 2.0 + (0.3 - 0.7 / 3.0) / (0.35 - 0.7 / 3.0), 1e-12);
  const auto j = pp::errors_json(e, 0.3, {1, 99});
  EXPECT_EQ(j["trajectories"].get<int>(), 3);
  EXPECT_EQ(j["at_steps"].size(), 1u);
  EXPECT_EQ(j["per_trajectory"].size(), 3u);
  EXPECT_TRUE(j["per_trajectory"][2]["final"]["rel_l2"].is_null());
}

TEST(TrajectoryErrors, CurvesOfDifferentLengthsAreRefused) {
  pp::TrajectoryPairs pairs;
  EXPECT_THROW(pp::summarise_trajectory_errors({curve({0.0, 0.1}), curve({0.0})}, {0.0, 1.0}, pairs,
                                               {"w"}, 0.3),
               eddyop::Error);
}
