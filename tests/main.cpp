// The one main of every test program: GoogleTest first (it removes its own flags), then MPI and
// PETSc, then Kokkos; torn down in reverse. On ranks other than 0 the result printer is
// silenced so that an MPI test prints one report, while every rank still runs every test and a
// failure on any rank fails the program.
#include <gtest/gtest.h>
#include <mpi.h>

#include <string>
#include <vector>

#include "runtime.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::vector<std::string> petsc_args(argv + 1, argv + argc);
  int status = 0;
  {
    eddyop::Runtime runtime;
    runtime.start_petsc(argv[0], petsc_args);
    runtime.start_kokkos(0);
    if (runtime.rank() != 0) {
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
    int local = RUN_ALL_TESTS();
    MPI_Allreduce(&local, &status, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  }
  return status;
}
