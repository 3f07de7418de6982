#include "runtime.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <Kokkos_Core.hpp>

#include "core/error.hpp"

namespace eddyop {

void Runtime::start_petsc(const std::string& program, const std::vector<std::string>& petsc_args) {
  EDDYOP_CHECK(!petsc_started_, "runtime", "PETSc is already initialised");
  arg_storage_.clear();
  arg_storage_.push_back(program);
  arg_storage_.insert(arg_storage_.end(), petsc_args.begin(), petsc_args.end());
  argv_.clear();
  for (auto& a : arg_storage_) argv_.push_back(a.data());
  argv_.push_back(nullptr);
  int argc = static_cast<int>(arg_storage_.size());
  char** argv = argv_.data();
  // PETSc errors are turned into exceptions where solvers call PETSc; here a failure to start
  // is reported as it is.
  const PetscErrorCode ierr = PetscInitialize(&argc, &argv, nullptr, nullptr);
  EDDYOP_CHECK(ierr == 0, "runtime", "PetscInitialize failed with PETSc error code " << ierr);
  petsc_started_ = true;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank_);
  MPI_Comm_size(PETSC_COMM_WORLD, &size_);
}

void Runtime::add_petsc_options(const std::vector<std::pair<std::string, std::string>>& options) {
  EDDYOP_CHECK(petsc_started_, "runtime", "PETSc options given before PETSc was initialised");
  for (const auto& [name, value] : options) {
    const std::string option = "-" + name;
    PetscBool given = PETSC_FALSE;
    PetscErrorCode ierr = PetscOptionsHasName(nullptr, nullptr, option.c_str(), &given);
    EDDYOP_CHECK(ierr == 0, "runtime", "PETSc rejected the option name '" << option << "'");
    if (given) continue;
    ierr = PetscOptionsSetValue(nullptr, option.c_str(), value.empty() ? nullptr : value.c_str());
    EDDYOP_CHECK(ierr == 0, "runtime",
                 "PETSc rejected the option '" << option << " " << value << "' from the case file");
  }
}

void Runtime::start_kokkos(int threads) {
  EDDYOP_CHECK(!kokkos_started_, "runtime", "Kokkos is already initialised");
#if KOKKOS_VERSION >= 40000
  Kokkos::InitializationSettings settings;
  if (threads > 0) settings.set_num_threads(threads);
  Kokkos::initialize(settings);
#else
  Kokkos::InitArguments args;
  if (threads > 0) args.num_threads = threads;
  Kokkos::initialize(args);
#endif
  kokkos_started_ = true;
}

Runtime::~Runtime() {
  if (kokkos_started_) Kokkos::finalize();
  if (petsc_started_) PetscFinalize();
}

}  // namespace eddyop
