// Data-parallel training on 2 ranks: each rank takes half of every batch and the gradients are
// summed over the ranks, so one step equals one rank's step with the whole batch.
#include <gtest/gtest.h>

#include <cmath>

#include "core/mpi.hpp"
#include "helpers.hpp"
#include "surrogates/checkpoint.hpp"
#include "surrogates/trainer.hpp"

namespace eddyop::surrogates {
namespace {

TEST(DataParallel, TwoRanksTakeTheStepOfOneRank) {
  const int rank = mpi::rank();
  const std::string dir = "/tmp/eddyop-surrogates-dp";
  if (rank == 0) {
    testing::scratch_dir("dp");
    std::vector<float> a, u;
    for (int s = 0; s < 12; ++s)
      for (int x = 0; x < 16; ++x) {
        a.push_back(static_cast<float>(std::sin(0.4 * x + s)));
        u.push_back(static_cast<float>(std::cos(0.4 * x + 0.5 * s)));
      }
    testing::write_dataset(dir + "/data/dataset.h5",
                           {{"a", "sample,x", {12, 16}, a}, {"u", "sample,x", {12, 16}, u}}, 2);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  // eps = 1 makes the first Adam step lr g / (|g| + 1), nearly linear in g, so that the float
  // rounding of a sum over two ranks (~1e-7 of g) moves a parameter by ~1e-10, not by a sign flip.
  const char* text = R"(
case: {name: dp, seed: 1}
model: {type: fno, fno: {modes: [4], width: 8, layers: 2, projection: 16}}
train: {inputs: [a], outputs: [u], batch: 10, epochs: 1, eps: 1.0, reduction: mean, loss: mse,
        schedule: none, normaliser: channel})";
  const auto both =
      train(testing::make_case(text, {"train.checkpoint_dir=two"}), dir, MPI_COMM_WORLD);
  const auto one =
      train(testing::make_case(text, {"train.checkpoint_dir=one-" + std::to_string(rank)}), dir,
            MPI_COMM_SELF);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    const Checkpoint a = read_checkpoint(both.last_checkpoint);
    const Checkpoint b = read_checkpoint(one.last_checkpoint);
    ASSERT_EQ(a.parameters.size(), b.parameters.size());
    for (size_t i = 0; i < a.parameters.size(); ++i)
      EXPECT_NEAR(a.parameters[i], b.parameters[i], 1e-7) << i;
    for (size_t i = 0; i < a.exp_avg.size(); ++i)  // (1 - b1) g: the all-reduced gradient
      EXPECT_NEAR(a.exp_avg[i], b.exp_avg[i],
                  1e-6 * std::abs(static_cast<double>(b.exp_avg[i])) + 1e-9)
          << i;
    EXPECT_NEAR(both.last_train_loss, one.last_train_loss, 1e-6 * one.last_train_loss);
  }
}

}  // namespace
}  // namespace eddyop::surrogates
