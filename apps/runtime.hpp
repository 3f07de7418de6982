// Brings up MPI (through PETSc), PETSc and Kokkos in that order, and takes them down in reverse.
//
// The two phases are separate so that a program can read and validate its whole input between
// them, before Kokkos allocates anything (MPI must be up first, so that only rank 0 reports).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace eddyop {

class Runtime {
 public:
  Runtime() = default;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime();

  // MPI and PETSc. `petsc_args` are PETSc options such as {"-log_view", "-ksp_type", "cg"}.
  void start_petsc(const std::string& program, const std::vector<std::string>& petsc_args);
  // Adds PETSc options from a case file ("name" -> "value", "" for a flag). Options already
  // given on the command line win, so that `-- -ksp_type gmres` overrides a case file.
  void add_petsc_options(const std::vector<std::pair<std::string, std::string>>& options);
  // Kokkos, with `threads` host threads where the backend uses them (0: Kokkos' default).
  void start_kokkos(int threads);

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  bool petsc_started_ = false;
  bool kokkos_started_ = false;
  int rank_ = 0;
  int size_ = 1;
  std::vector<std::string> arg_storage_;
  std::vector<char*> argv_;
};

}  // namespace eddyop
