// Error metrics on cases computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "postprocess/error_metrics.hpp"

namespace pp = eddyop::postprocess;

TEST(ErrorMetrics, RelativeL2PerStepPerChannelAndOverTheHorizonMatchHandValues) {
  // nt = 2, C = 2, P = 2.
  // step 0: truth c0 (3, 4) pred (3, 4)  | c1 (1, 0) pred (1, 1)
  // step 1: truth c0 (0, 5) pred (0, 2)  | c1 (0, 2) pred (0, 2)
  const std::vector<double> truth = {3, 4, 1, 0, 0, 5, 0, 2};
  const std::vector<double> pred = {3, 4, 1, 1, 0, 2, 0, 2};
  const auto r = pp::rollout_errors(truth, pred, 2, 2, 2);
  ASSERT_EQ(r.rel_l2.size(), 2u);
  EXPECT_NEAR(r.rel_l2_channel[0], 0.0, 1e-15);            // step 0, c0
  EXPECT_NEAR(r.rel_l2_channel[1], 1.0, 1e-15);            // step 0, c1: |1| / |1|
  EXPECT_NEAR(r.rel_l2_channel[2], 3.0 / 5.0, 1e-15);      // step 1, c0
  EXPECT_NEAR(r.rel_l2_channel[3], 0.0, 1e-15);            // step 1, c1
  EXPECT_NEAR(r.rel_l2[0], std::sqrt(1.0 / 26.0), 1e-15);  // sqrt(1 / (25 + 1))
  EXPECT_NEAR(r.rel_l2[1], std::sqrt(9.0 / 29.0), 1e-15);  // sqrt(9 / (25 + 4))
  EXPECT_NEAR(r.rel_l2_horizon[0], r.rel_l2[0], 1e-15);
  EXPECT_NEAR(r.rel_l2_horizon[1], std::sqrt(10.0 / 55.0), 1e-15);
  EXPECT_NEAR(r.rel_l2_horizon_channel[2], std::sqrt(9.0 / 50.0), 1e-15);  // c0 over 2 steps
  EXPECT_NEAR(r.rel_l2_horizon_channel[3], std::sqrt(1.0 / 5.0), 1e-15);   // c1 over 2 steps
}

TEST(ErrorMetrics, CorrelationIsOneForAffineCopiesMinusOneForNegatedAndNaNForConstants) {
  const std::vector<double> truth = {1, 2, 3, 4, /**/ 1, 2, 3, 4, /**/ 5, 5, 5, 5};
  const std::vector<double> pred = {3, 5, 7, 9, /**/ -1, -2, -3, -4, /**/ 1, 2, 3, 4};
  const auto r = pp::rollout_errors(truth, pred, 3, 1, 4);
  EXPECT_NEAR(r.correlation[0], 1.0, 1e-14);
  EXPECT_NEAR(r.correlation[1], -1.0, 1e-14);
  EXPECT_TRUE(std::isnan(r.correlation[2]));
  // A hand case: t = (1, 2, 3), p = (1, 3, 2): cov = 0.5 · 2 / 2... r = 0.5.
  const auto h =
      pp::rollout_errors(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2}, 1, 1, 3);
  EXPECT_NEAR(h.correlation[0], 0.5, 1e-14);
}

TEST(ErrorMetrics, ZeroTruthGivesNaNRelativeError) {
  const auto r = pp::rollout_errors(std::vector<double>{0, 0}, std::vector<double>{1, 0}, 1, 1, 2);
  EXPECT_TRUE(std::isnan(r.rel_l2[0]));
}

TEST(ErrorMetrics, FirstCrossingIsInterpolatedBetweenSamples) {
  const std::vector<double> t = {0.0, 0.5, 1.0, 1.5, 2.0};
  const std::vector<double> e = {0.01, 0.05, 0.1, 0.3, 0.2};
  const auto c = pp::first_crossing(t, e, 0.2);
  EXPECT_TRUE(c.crossed);
  EXPECT_EQ(c.step, 3u);
  EXPECT_NEAR(c.time, 1.25, 1e-14);  // 0.1 → 0.3 over 1.0 → 1.5: reaches 0.2 halfway

  const auto never = pp::first_crossing(t, e, 0.5);
  EXPECT_FALSE(never.crossed);
  EXPECT_TRUE(std::isnan(never.time));

  const auto at_once = pp::first_crossing(t, e, 0.001);
  EXPECT_TRUE(at_once.crossed);
  EXPECT_EQ(at_once.step, 0u);
  EXPECT_EQ(at_once.time, 0.0);
}

TEST(ErrorMetrics, MismatchedShapesAreErrorsNamingTheArray) {
  const std::vector<double> a(8), b(6);
  try {
    pp::rollout_errors(a, b, 2, 2, 2);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("prediction"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pp::first_crossing({0.0, 1.0}, {0.1}, 0.5), eddyop::Error);
}

TEST(ErrorMetrics, StepByStepAccumulationEqualsTheWholeRollout) {
  std::vector<double> truth(4 * 3 * 5), pred(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    truth[i] = std::sin(0.7 * static_cast<double>(i));
    pred[i] = truth[i] + 0.1 * std::cos(1.3 * static_cast<double>(i));
  }
  const auto whole = pp::rollout_errors(truth, pred, 4, 3, 5);
  pp::RolloutErrorAccumulator acc(3, 5);
  for (std::size_t t = 0; t < 4; ++t)
    acc.add_step(pp::ArrayRef(truth.data() + 15 * t, 15), pp::ArrayRef(pred.data() + 15 * t, 15));
  EXPECT_EQ(acc.result().steps, 4u);
  EXPECT_EQ(acc.result().rel_l2_horizon, whole.rel_l2_horizon);
  EXPECT_EQ(acc.result().correlation_channel, whole.correlation_channel);
  EXPECT_THROW(acc.add_step(truth, pred), eddyop::Error);  // the whole rollout is not one step
}
