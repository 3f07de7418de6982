#include "solvers/pde/darcy.hpp"

#include <petscdmda.h>
#include <petscksp.h>

#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "solvers/petsc_error.hpp"

namespace eddyop::solvers {

namespace {
constexpr const char* kComponent = "darcy";
constexpr const char* kPrefix = "darcy_";

// Most multigrid levels the DMDA hierarchy allows: each coarsening needs n − 1 even.
int max_mg_levels(int n) {
  int levels = 1;
  for (int m = n - 1; m % 2 == 0 && m / 2 >= 2; m /= 2) ++levels;
  return levels;
}

// The levels PCMG will get: -darcy_pc_mg_levels if given, else as many as the grid allows.
// Returns 0 when the options select another preconditioner.
int requested_mg_levels(int n) {
  PetscBool initialised = PETSC_FALSE;
  PetscInitialized(&initialised);
  EDDYOP_CHECK(initialised, kComponent, "PETSc must be initialised before the Darcy solver");
  char pc_type[64] = "mg";
  PetscBool set = PETSC_FALSE;
  petsc_check(PetscOptionsGetString(nullptr, kPrefix, "-pc_type", pc_type, sizeof pc_type, &set),
              kComponent, "reading -darcy_pc_type");
  if (std::strcmp(pc_type, PCMG) != 0) return 0;
  PetscInt levels = 0;
  petsc_check(PetscOptionsGetInt(nullptr, kPrefix, "-pc_mg_levels", &levels, &set), kComponent,
              "reading -darcy_pc_mg_levels");
  return set ? static_cast<int>(levels) : max_mg_levels(n);
}
}  // namespace

void validate(const DarcyParams& p) {
  EDDYOP_CHECK(p.n >= 3, kComponent, "n = " << p.n << " must be >= 3");
  EDDYOP_CHECK(p.n_store >= 2 && (p.n - 1) % (p.n_store - 1) == 0, kComponent,
               "n_store = " << p.n_store << " must satisfy (n - 1) % (n_store - 1) == 0 for n = "
                            << p.n << " (stride subsampling; e.g. 211, 141, 85 for n = 421)");
  EDDYOP_CHECK(std::isfinite(p.a_plus) && p.a_plus > 0.0, kComponent,
               "a_plus = " << p.a_plus << " must be > 0");
  EDDYOP_CHECK(std::isfinite(p.a_minus) && p.a_minus > 0.0, kComponent,
               "a_minus = " << p.a_minus << " must be > 0");
  EDDYOP_CHECK(std::isfinite(p.source), kComponent, "source = " << p.source << " must be finite");
  validate(p.coef, kComponent);
  const int levels = requested_mg_levels(p.n);
  if (levels > 0) {
    const int ratio = 1 << (levels - 1);
    EDDYOP_CHECK_HINT(levels >= 1 && (p.n - 1) % ratio == 0 && (p.n - 1) / ratio >= 2, kComponent,
                      "n = " << p.n << " cannot be coarsened to " << levels
                             << " multigrid levels: n - 1 = " << p.n - 1
                             << " must be divisible by 2^(levels - 1) = " << ratio
                             << " with a coarse grid of at least 3 nodes",
                      "use -darcy_pc_mg_levels <= "
                          << max_mg_levels(p.n) << ", or n = m 2^k + 1, or -darcy_pc_type gamg");
    const int coarse = (p.n - 1) / ratio + 1;
    EDDYOP_CHECK_HINT(
        coarse <= kDarcyMaxCoarseNodes, kComponent,
        "n = " << p.n << " coarsens only to a " << coarse << "^2 grid with " << levels
               << " multigrid levels (limit " << kDarcyMaxCoarseNodes
               << "^2 for the direct coarse solve)",
        "use n = m 2^k + 1 with m + 1 <= " << kDarcyMaxCoarseNodes
                                           << " (e.g. 421, 257, 129), or -darcy_pc_type gamg");
  }
}

struct DarcySolver::Impl {
  DarcyParams p;
  MPI_Comm comm = MPI_COMM_SELF;
  PetscInt mg_levels = 1;  // as validate() checked them
  DM da = nullptr;
  Mat A = nullptr;
  Vec x = nullptr, b = nullptr, natural = nullptr, all = nullptr;
  VecScatter to_all = nullptr;
  KSP ksp = nullptr;

  PetscErrorCode create() {
    PetscFunctionBeginUser;
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, p.n, p.n,
                           PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, &da));
    PetscCall(DMSetUp(da));
    PetscCall(DMDASetUniformCoordinates(da, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0));
    PetscCall(DMCreateMatrix(da, &A));
    PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));
    PetscCall(DMCreateGlobalVector(da, &x));
    PetscCall(VecDuplicate(x, &b));
    PetscCall(DMDACreateNaturalVector(da, &natural));
    PetscCall(VecScatterCreateToAll(natural, &to_all, &all));

    PetscCall(KSPCreate(comm, &ksp));
    PetscCall(KSPSetOptionsPrefix(ksp, kPrefix));
    PetscCall(KSPSetType(ksp, KSPCG));
    PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 1000));
    // The DM gives PCMG its grid hierarchy and interpolation; the operators are ours, and the
    // coarse ones are Galerkin products, so the DM itself computes nothing.
    PetscCall(KSPSetDM(ksp, da));
    PetscCall(KSPSetDMActive(ksp, PETSC_FALSE));
    PC pc;
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCMG));
    PetscCall(PCMGSetLevels(pc, mg_levels, nullptr));
    PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
    // Smoother: one symmetric SOR sweep (Richardson), before and after. PETSc's default
    // Chebyshev re-estimates eigenvalues at every setup, which is most of the cost here because
    // every sample has a new operator: 0.24 s against 0.14 s per 421² solve, same 6 iterations.
    for (PetscInt level = 1; level < mg_levels; ++level) {
      KSP smoother;
      PetscCall(PCMGGetSmoother(pc, level, &smoother));
      PetscCall(KSPSetType(smoother, KSPRICHARDSON));
      PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 1));
      PC smoother_pc;
      PetscCall(KSPGetPC(smoother, &smoother_pc));
      PetscCall(PCSetType(smoother_pc, PCSOR));
    }
    PetscCall(KSPSetFromOptions(ksp));
    PetscFunctionReturn(0);
  }

  // a: (n, n) replicated. Interior rows: Σ_faces a_f (u_c − u_nb) = h² f_c, with the couplings
  // to boundary nodes (u = 0) dropped so that the matrix stays symmetric; boundary rows: 4 a_c u =
  // 0.
  PetscErrorCode assemble(const std::vector<double>& a, const std::vector<double>& f) {
    PetscFunctionBeginUser;
    const PetscInt n = p.n;
    const double h2 = 1.0 / ((n - 1.0) * (n - 1.0));
    const bool harmonic = p.face == FaceAverage::harmonic;
    auto coef = [&](PetscInt i, PetscInt j) { return a[static_cast<std::size_t>(j) * n + i]; };
    auto face = [&](double s, double t) {
      return harmonic ? 2.0 * s * t / (s + t) : 0.5 * (s + t);
    };
    PetscInt xs, ys, xm, ym;
    PetscCall(DMDAGetCorners(da, &xs, &ys, nullptr, &xm, &ym, nullptr));
    PetscCall(MatZeroEntries(A));
    PetscScalar** rhs;
    PetscCall(DMDAVecGetArray(da, b, &rhs));
    for (PetscInt j = ys; j < ys + ym; ++j) {
      for (PetscInt i = xs; i < xs + xm; ++i) {
        MatStencil row{};
        row.i = i;
        row.j = j;
        const bool boundary = i == 0 || j == 0 || i == n - 1 || j == n - 1;
        if (boundary) {
          const PetscScalar diag = 4.0 * coef(i, j);
          PetscCall(MatSetValuesStencil(A, 1, &row, 1, &row, &diag, INSERT_VALUES));
          rhs[j][i] = 0.0;
          continue;
        }
        MatStencil cols[5];
        PetscScalar vals[5];
        PetscInt count = 0;
        double diag = 0.0;
        const PetscInt di[4] = {-1, 1, 0, 0}, dj[4] = {0, 0, -1, 1};
        for (int k = 0; k < 4; ++k) {
          const PetscInt in = i + di[k], jn = j + dj[k];
          const double af = face(coef(i, j), coef(in, jn));
          diag += af;
          if (in == 0 || jn == 0 || in == n - 1 || jn == n - 1) continue;
          cols[count] = MatStencil{};
          cols[count].i = in;
          cols[count].j = jn;
          vals[count++] = -af;
        }
        cols[count] = row;
        vals[count++] = diag;
        PetscCall(MatSetValuesStencil(A, 1, &row, count, cols, vals, INSERT_VALUES));
        rhs[j][i] = h2 * f[static_cast<std::size_t>(j) * n + i];
      }
    }
    PetscCall(DMDAVecRestoreArray(da, b, &rhs));
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscFunctionReturn(0);
  }

  PetscErrorCode run(std::vector<double>& u, DarcyStats& stats) {
    PetscFunctionBeginUser;
    PetscCall(KSPSetOperators(ksp, A, A));
    PetscCall(VecSet(x, 0.0));
    PetscCall(KSPSolve(ksp, b, x));
    KSPConvergedReason reason;
    PetscCall(KSPGetConvergedReason(ksp, &reason));
    PetscInt its;
    PetscCall(KSPGetIterationNumber(ksp, &its));
    PetscReal rnorm;
    PetscCall(KSPGetResidualNorm(ksp, &rnorm));
    PetscCheck(reason > 0, comm, PETSC_ERR_NOT_CONVERGED,
               "darcy: KSP did not converge (reason %s after %" PetscInt_FMT " iterations)",
               KSPConvergedReasons[reason], its);
    stats.iterations = static_cast<int>(its);
    stats.converged_reason = static_cast<int>(reason);
    stats.residual_norm = static_cast<double>(rnorm);
    KSPType ktype;
    PetscCall(KSPGetType(ksp, &ktype));
    PC pc;
    PetscCall(KSPGetPC(ksp, &pc));
    PCType ptype;
    PetscCall(PCGetType(pc, &ptype));
    stats.ksp_type = ktype;
    stats.pc_type = ptype;
    PetscBool is_mg;
    PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCMG, &is_mg));
    if (is_mg) {
      PetscInt levels;
      PetscCall(PCMGGetLevels(pc, &levels));
      stats.mg_levels = static_cast<int>(levels);
    }
    // Every rank gets the whole solution, in natural (x fastest) order.
    PetscCall(DMDAGlobalToNaturalBegin(da, x, INSERT_VALUES, natural));
    PetscCall(DMDAGlobalToNaturalEnd(da, x, INSERT_VALUES, natural));
    PetscCall(VecScatterBegin(to_all, natural, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(to_all, natural, all, INSERT_VALUES, SCATTER_FORWARD));
    const PetscScalar* values;
    PetscCall(VecGetArrayRead(all, &values));
    u.assign(values, values + static_cast<std::size_t>(p.n) * p.n);
    PetscCall(VecRestoreArrayRead(all, &values));
    // The boundary rows solve 4 a u = 0 only to the KSP tolerance; the Dirichlet value is exact.
    const std::size_t n = static_cast<std::size_t>(p.n);
    for (std::size_t k = 0; k < n; ++k)
      u[k] = u[(n - 1) * n + k] = u[k * n] = u[k * n + n - 1] = 0.0;
    PetscFunctionReturn(0);
  }

  PetscErrorCode destroy() {
    PetscFunctionBeginUser;
    PetscCall(KSPDestroy(&ksp));
    PetscCall(VecScatterDestroy(&to_all));
    PetscCall(VecDestroy(&all));
    PetscCall(VecDestroy(&natural));
    PetscCall(VecDestroy(&b));
    PetscCall(VecDestroy(&x));
    PetscCall(MatDestroy(&A));
    PetscCall(DMDestroy(&da));
    PetscFunctionReturn(0);
  }
};

DarcySolver::DarcySolver(const DarcyParams& p, MPI_Comm comm) {
  validate(p);
  impl_ = std::make_unique<Impl>();
  impl_->p = p;
  impl_->comm = comm;
  const int levels = requested_mg_levels(p.n);
  impl_->mg_levels = levels > 0 ? levels : max_mg_levels(p.n);
  const PetscErrorCode ierr = impl_->create();
  if (ierr) {
    impl_->destroy();
    petsc_check(ierr, kComponent, "setting up the Darcy solver");
  }
}

DarcySolver::~DarcySolver() {
  if (impl_) impl_->destroy();  // errors while tearing down are not worth a throw
}

DarcyStats DarcySolver::solve(std::vector<double>& u, const std::vector<double>& a,
                              const std::vector<double>& f) {
  const std::size_t nn = static_cast<std::size_t>(impl_->p.n) * impl_->p.n;
  EDDYOP_CHECK(a.size() == nn, kComponent,
               "a has " << a.size() << " values, expected n^2 = " << nn);
  EDDYOP_CHECK(f.size() == nn, kComponent,
               "f has " << f.size() << " values, expected n^2 = " << nn);
  for (double v : a)
    EDDYOP_CHECK(std::isfinite(v) && v > 0.0, kComponent,
                 "coefficient a = " << v << " must be > 0");
  DarcyStats stats;
  petsc_check(impl_->assemble(a, f), kComponent, "assembling the Darcy system");
  petsc_check(impl_->run(u, stats), kComponent, "solving the Darcy system");
  return stats;
}

std::vector<double> darcy_coefficient(const DarcyParams& p, std::uint64_t seed,
                                      std::uint64_t sample) {
  std::vector<double> g = grf_neumann_2d(p.coef, p.n, seed, sample);
  for (double& v : g) v = v >= 0.0 ? p.a_plus : p.a_minus;
  return g;
}

DarcySample darcy_sample(DarcySolver& solver, const DarcyParams& p, std::uint64_t seed,
                         std::uint64_t sample) {
  const std::vector<double> a = darcy_coefficient(p, seed, sample);
  const std::vector<double> f(a.size(), p.source);
  std::vector<double> u;
  DarcySample out;
  out.stats = solver.solve(u, a, f);
  const int stride = (p.n - 1) / (p.n_store - 1);
  const std::size_t ns = static_cast<std::size_t>(p.n_store);
  out.a.resize(ns * ns);
  out.u.resize(ns * ns);
  for (std::size_t j = 0; j < ns; ++j)
    for (std::size_t i = 0; i < ns; ++i) {
      const std::size_t src = j * stride * p.n + i * stride;
      out.a[j * ns + i] = static_cast<float>(a[src]);
      out.u[j * ns + i] = static_cast<float>(u[src]);
    }
  return out;
}

}  // namespace eddyop::solvers
