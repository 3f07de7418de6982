// The one boundary where PETSc error codes become eddyop::Error.
//
// Inside a solver, PETSc code stays in PETSc idiom: static functions returning PetscErrorCode,
// PetscCall on every call, PetscCheck for preconditions. The public C++ entry point calls them
// through petsc_check(), so a failure anywhere below reaches the caller as one exception that
// names the solver (PETSc's own traceback has already gone to stderr).
#pragma once

#include <petscsys.h>

#include "core/error.hpp"

namespace eddyop::solvers {

inline void petsc_check(PetscErrorCode ierr, const char* component, const char* what) {
  if (ierr == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(ierr, &text, nullptr);
  EDDYOP_FAIL_HINT(component,
                   what << " failed with PETSc error " << static_cast<int>(ierr) << " ("
                        << (text ? text : "unknown") << ")",
                   "PETSc's traceback above names the call");
}

}  // namespace eddyop::solvers
