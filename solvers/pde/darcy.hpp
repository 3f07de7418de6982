// Darcy flow on the unit square, as in the FNO benchmark:
//
//   −∇·(a ∇u) = f in (0, 1)²,   u = 0 on the boundary,
//   a = a_plus where g ≥ 0 and a_minus where g < 0, g a Neumann Gaussian random field.
//
// Vertex-centred 5-point finite differences on n × n nodes x_i = i/(n−1) (boundary included),
// face coefficients the arithmetic (FNO's solver) or harmonic mean of the two nodes, assembled
// symmetrically in PETSc on a DMDA, solved by KSP CG preconditioned by geometric multigrid
// (PCMG on the DMDA hierarchy, Galerkin coarse operators). Every KSP/PC setting can be
// overridden through the PETSc options database with the prefix -darcy_ (e.g.
// -darcy_pc_type gamg, -darcy_ksp_rtol 1e-8, -darcy_pc_mg_levels 3). See docs/solvers/darcy.md.
//
// Fields are (n, n) row-major with x fastest: index [j][i] = a(x_i, y_j).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "solvers/pde/grf.hpp"

namespace eddyop::solvers {

enum class FaceAverage { arithmetic, harmonic };

struct DarcyParams {
  int n = 421;       // nodes per side, boundary included; ≥ 3
  int n_store = 85;  // stored nodes per side; (n − 1) % (n_store − 1) == 0 (stride subsampling)
  double a_plus = 12.0;  // a where the random field is ≥ 0
  double a_minus = 3.0;  // a where it is < 0 (the FNO paper; its script used 4)
  double source = 1.0;   // f, constant, for the random samples
  FaceAverage face = FaceAverage::arithmetic;
  GrfParams coef{2.0, 3.0, 3.0};  // FNO's GRF.m: α = 2, τ = 3, amplitude τ^(α−1)
};

// The largest coarse grid PCMG may leave for its direct coarse solve.
inline constexpr int kDarcyMaxCoarseNodes = 129;

// Throws eddyop::Error ("darcy: ...") naming the parameter, its value and the limit. Reads the
// PETSc options (prefix -darcy_) to check that the grid coarsens to the multigrid levels asked
// for, so PETSc must be initialised.
void validate(const DarcyParams& p);

struct DarcyStats {
  int iterations = 0;
  int converged_reason = 0;  // PETSc's KSPConvergedReason, > 0
  double residual_norm = 0.0;
  std::string ksp_type, pc_type;
  int mg_levels = 0;  // when the PC is PCMG
};

class DarcySolver {
 public:
  // Validates p; creates the DMDA and the KSP on `comm` (MPI_COMM_SELF: one sample per rank).
  explicit DarcySolver(const DarcyParams& p, MPI_Comm comm = MPI_COMM_SELF);
  ~DarcySolver();
  DarcySolver(const DarcySolver&) = delete;
  DarcySolver& operator=(const DarcySolver&) = delete;

  // u (out), a, f: (n, n), replicated on every rank of comm. f on the boundary is ignored.
  DarcyStats solve(std::vector<double>& u, const std::vector<double>& a,
                   const std::vector<double>& f);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The thresholded coefficient of sample `sample`: (n, n), values a_plus or a_minus.
std::vector<double> darcy_coefficient(const DarcyParams& p, std::uint64_t seed,
                                      std::uint64_t sample);

struct DarcySample {
  std::vector<float> a;  // (n_store, n_store)
  std::vector<float> u;  // (n_store, n_store)
  DarcyStats stats;
};
// `solver` must have been made with the same p.
DarcySample darcy_sample(DarcySolver& solver, const DarcyParams& p, std::uint64_t seed,
                         std::uint64_t sample);

}  // namespace eddyop::solvers
