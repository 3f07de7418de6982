// Two ranks: a solve distributed over both equals the one-rank solve, and the random
// coefficient of a sample does not depend on the rank that makes it.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "solvers/pde/darcy.hpp"

using namespace eddyop::solvers;

TEST(DarcyMpi, DistributedSolveEqualsOneRankSolve) {
  DarcyParams p;
  p.n = 129;
  p.n_store = 33;
  DarcySolver world(p, MPI_COMM_WORLD);
  DarcySolver self(p, MPI_COMM_SELF);
  const std::vector<double> a = darcy_coefficient(p, 8, 1);
  const std::vector<double> f(a.size(), 1.0);
  std::vector<double> u_world, u_self;
  world.solve(u_world, a, f);
  self.solve(u_self, a, f);
  double diff = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k)
    diff = std::max(diff, std::abs(u_world[k] - u_self[k]));
  // Same system, different reduction order and smoother partition: agreement to the solver
  // tolerance (rtol 1e-10 on u ~ 0.01), not bitwise.
  EXPECT_LT(diff, 1e-9);
}

TEST(DarcyMpi, SampleCoefficientIsTheSameOnEveryRank) {
  DarcyParams p;
  p.n = 65;
  p.n_store = 17;
  const std::vector<double> a = darcy_coefficient(p, 8, 2);
  std::vector<double> a_max(a.size()), a_min(a.size());
  MPI_Allreduce(a.data(), a_max.data(), static_cast<int>(a.size()), MPI_DOUBLE, MPI_MAX,
                MPI_COMM_WORLD);
  MPI_Allreduce(a.data(), a_min.data(), static_cast<int>(a.size()), MPI_DOUBLE, MPI_MIN,
                MPI_COMM_WORLD);
  EXPECT_EQ(a_max, a_min);
  // One sample per rank on MPI_COMM_SELF is how datasets are split: rank r's result is the same
  // bits as a one-rank run's.
  DarcySolver self(p, MPI_COMM_SELF);
  const DarcySample s = darcy_sample(self, p, 8, 2);
  std::vector<float> u_max(s.u.size()), u_min(s.u.size());
  MPI_Allreduce(s.u.data(), u_max.data(), static_cast<int>(s.u.size()), MPI_FLOAT, MPI_MAX,
                MPI_COMM_WORLD);
  MPI_Allreduce(s.u.data(), u_min.data(), static_cast<int>(s.u.size()), MPI_FLOAT, MPI_MIN,
                MPI_COMM_WORLD);
  EXPECT_EQ(u_max, u_min);
}
