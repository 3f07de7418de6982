// The trainer end to end: an FNO-1D learns a smoothing operator (loss down by 10x), a run
// stopped after 2 epochs and resumed equals an uninterrupted one bit for bit, and the rollout
// guard stops a model that blows up at the right step, keeping exactly the good steps.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/hdf5/reader.hpp"
#include "core/metrics.hpp"
#include "helpers.hpp"
#include "operators/ops.hpp"
#include "surrogates/checkpoint.hpp"
#include "surrogates/rollout.hpp"
#include "surrogates/trainer.hpp"

namespace eddyop::surrogates {
namespace {

constexpr Index kX = 32;

// u0: random periodic functions of 6 modes; uT = the heat equation's solution at t = 0.01 (each
// mode damped by exp(-4 pi^2 k^2 t)): a smoothing operator an FNO represents exactly.
std::string smoothing_dataset(const std::string& dir, Index N) {
  std::mt19937 rng(5);
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<float> u0, uT;
  for (Index s = 0; s < N; ++s) {
    double a[7], b[7];
    for (int k = 0; k < 7; ++k) a[k] = n(rng) / (1 + k), b[k] = n(rng) / (1 + k);
    for (Index x = 0; x < kX; ++x) {
      double v0 = 0, vT = 0;
      for (int k = 0; k < 7; ++k) {
        const double ph = 2 * M_PI * k * double(x) / kX;
        const double c = a[k] * std::cos(ph) + b[k] * std::sin(ph);
        v0 += c;
        vT += c * std::exp(-4 * M_PI * M_PI * k * k * 0.01);
      }
      u0.push_back(static_cast<float>(v0));
      uT.push_back(static_cast<float>(vT));
    }
  }
  const std::string path = dir + "/data/dataset.h5";
  testing::write_dataset(path, {{"u0", "sample,x", {N, kX}, u0}, {"uT", "sample,x", {N, kX}, uT}},
                         N / 5);
  return path;
}

const char* kCase = R"(
case: {name: smoothing, seed: 3}
model:
  type: fno
  fno: {modes: [8], width: 16, layers: 2, projection: 32}
train:
  inputs: [u0]
  outputs: [uT]
  batch: 8
  epochs: 30
  lr: 3.0e-3
  weight_decay: 0.0
  schedule: step
  step_size: 10
  gamma: 0.5
  normaliser: channel
)";

TEST(Training, Fno1dLearnsASmoothingOperator) {
  const std::string dir = testing::scratch_dir("train");
  smoothing_dataset(dir, 80);
  const TrainResult r = train(testing::make_case(kCase), dir, MPI_COMM_WORLD);
  EXPECT_EQ(r.epochs, 30);
  EXPECT_LT(r.last_train_loss, r.first_train_loss / 10) << r.first_train_loss;
  EXPECT_LT(r.last_valid_loss, 0.1);
  const auto records = read_metrics(r.metrics);
  ASSERT_EQ(records.size(), 30u);
  for (const char* key : {"epoch", "step", "train_loss", "valid_loss", "lr", "seconds"})
    EXPECT_TRUE(records.back().contains(key)) << key;
  EXPECT_DOUBLE_EQ(records.back()["lr"].get<double>(), 3e-3 * 0.25);
  const Checkpoint best = read_checkpoint(r.best_checkpoint);
  EXPECT_EQ(best.inputs, std::vector<std::string>{"u0"});
  EXPECT_EQ(best.spatial, std::vector<Index>{kX});
}

TEST(Training, ResumedRunEqualsUninterruptedRunBitwise) {
  const std::string dir = testing::scratch_dir("resume");
  const std::string data = smoothing_dataset(dir, 40);
  const std::vector<std::string> common{"train.dataset=" + data,    "train.epochs=4",
                                        "train.schedule=one_cycle", "train.optimizer=adamw",
                                        "train.clip=1.0",           "train.weight_decay=0.01"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return testing::make_case(kCase, extra);
  };
  const TrainResult whole = train(with({"train.checkpoint_dir=whole"}), dir, MPI_COMM_WORLD);
  const TrainResult first =
      train(with({"train.checkpoint_dir=split", "train.stop_after=2"}), dir, MPI_COMM_WORLD);
  EXPECT_EQ(first.epochs, 2);
  const TrainResult second =
      train(with({"train.checkpoint_dir=split", "train.resume=last"}), dir, MPI_COMM_WORLD);
  EXPECT_EQ(second.epochs, 4);
  const Checkpoint a = read_checkpoint(whole.last_checkpoint);
  const Checkpoint b = read_checkpoint(second.last_checkpoint);
  EXPECT_EQ(a.parameters, b.parameters);  // bitwise
  EXPECT_EQ(a.exp_avg, b.exp_avg);
  EXPECT_EQ(a.exp_avg_sq, b.exp_avg_sq);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.rng, b.rng);
  EXPECT_EQ(a.beta1, b.beta1);
  const auto ma = read_metrics(whole.metrics), mb = read_metrics(second.metrics);
  ASSERT_EQ(ma.size(), 4u);
  ASSERT_EQ(mb.size(), 4u);  // the resumed run appends
  EXPECT_EQ(ma[3]["train_loss"], mb[3]["train_loss"]);
}

// y = s x_last: the newest step of the window, scaled.
class ScaledIdentity final : public Model {
 public:
  ScaledIdentity(float s, Index window) : s_(s), k_(window) { params_.allocate(); }
  tensor::Var<float> forward(tensor::Tape<float>& tape, const tensor::Var<float>& x) override {
    return ops::scale(tape, ops::slice(tape, x, 1, k_ - 1, k_), s_);
  }
  tensor::ParameterSet<float>& parameters() override { return params_; }

 private:
  float s_;
  Index k_;
  tensor::ParameterSet<float> params_;
};

TEST(Rollout, GuardStopsAtTheFirstBadStepAndKeepsTheGoodOnes) {
  const std::string dir = testing::scratch_dir("rollout");
  // Travelling waves of constant norm: every snapshot has the largest norm M.
  const Index N = 3, T = 12;
  std::vector<float> w;
  for (Index s = 0; s < N; ++s)
    for (Index t = 0; t < T; ++t)
      for (Index x = 0; x < kX; ++x) w.push_back(float(std::sin(2 * M_PI * x / kX + 0.3 * t + s)));
  const std::string path = dir + "/series.h5";
  testing::write_dataset(path, {{"w", "sample,time,x", {N, T, kX}, w}});
  DatasetOptions d;
  d.path = path;
  d.inputs = d.outputs = {"w"};
  d.window = 2;
  Dataset data(d);
  const double M = std::sqrt(kX / 2.0);
  Normaliser none(NormaliserKind::none, 1, kX);
  RolloutOptions o;
  o.trajectories = {2, 0};
  o.guard_multiple = 10;
  o.max_norm = M;
  o.batch = 1;

  // Doubling: norms 2M, 4M, 8M pass, 16M > 10M stops at predicted step 4.
  ScaledIdentity doubling(2.0f, 2);
  o.output = dir + "/doubling.h5";
  const RolloutResult r = rollout(doubling, none, none, data, o, MPI_COMM_WORLD);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.stop_step, 4);
  EXPECT_EQ(r.predicted, 3);
  EXPECT_NE(r.cause.find("norm"), std::string::npos) << r.cause;
  h5::Reader in(o.output);
  EXPECT_EQ(in.kind(), "trajectory");
  EXPECT_EQ(in.field("w").shape, (h5::Shape{2, 2 + 3, kX}));
  EXPECT_EQ(in.field("w").axes, "trajectory,time,x");
  EXPECT_EQ(in.read_int(h5::kRoot, "stop_step"), 4);
  EXPECT_DOUBLE_EQ(in.read_double(h5::kPhysicsGroup, "nu"), 0.01);
  std::vector<float> out;
  in.read_field(out, "w");
  for (float v : out) EXPECT_TRUE(std::isfinite(v));
  // Trajectory 2's last kept step is 8 times its step 1.
  const float* last = out.data() + 4 * kX;
  const float* init = w.data() + (2 * T + 1) * kX;
  for (Index x = 0; x < kX; ++x) EXPECT_FLOAT_EQ(last[x], 8 * init[x]);

  // Inf at the first step: nothing predicted is kept, and the cause says so.
  ScaledIdentity infinite(INFINITY, 2);
  o.output = dir + "/infinite.h5";
  o.guard_multiple = 1e300;
  const RolloutResult ri = rollout(infinite, none, none, data, o, MPI_COMM_WORLD);
  EXPECT_EQ(ri.stop_step, 1);
  EXPECT_EQ(ri.predicted, 0);
  EXPECT_NE(ri.cause.find("not finite"), std::string::npos) << ri.cause;
  EXPECT_EQ(h5::Reader(o.output).field("w").shape, (h5::Shape{2, 2, kX}));

  // A stable model runs to the end of the data.
  ScaledIdentity copy(1.0f, 2);
  o.output = dir + "/copy.h5";
  o.guard_multiple = 10;
  const RolloutResult rc = rollout(copy, none, none, data, o, MPI_COMM_WORLD);
  EXPECT_FALSE(rc.stopped);
  EXPECT_EQ(rc.predicted, T - 2);
}

}  // namespace
}  // namespace eddyop::surrogates
