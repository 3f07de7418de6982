#include "eddyop/info.hpp"

#include <KokkosKernels_config.h>
#include <fftw3.h>
#include <hdf5.h>
#include <mpi.h>
#include <petscsys.h>
#include <vtkVersion.h>

#include <Kokkos_Core.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <variant>

#include "core/hdf5/reader.hpp"
#include "eddyop/version.hpp"

#if __has_include(<Trilinos_version.h>)
#include <Trilinos_version.h>
#endif

// OpenBLAS' own queries, declared here rather than through its cblas.h so that no other CBLAS
// header can clash with it.
extern "C" {
char* openblas_get_config(void);
char* openblas_get_corename(void);
int openblas_get_num_threads(void);
}

namespace eddyop::cli {

namespace {

std::string kokkos_kernels_version() {
#if defined(KOKKOSKERNELS_VERSION)
  const int v = KOKKOSKERNELS_VERSION;
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
#elif defined(TRILINOS_VERSION_STRING)
  return std::string("from Trilinos ") + TRILINOS_VERSION_STRING;
#else
  return "unknown version";
#endif
}

}  // namespace

std::vector<std::pair<std::string, std::string>> build_info() {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("eddyop", std::string(kVersion) + " (git " + kGitSha + ")");

  char petsc[256];
  PetscGetVersion(petsc, sizeof petsc);
  rows.emplace_back("PETSc", std::string(petsc) + ", scalar " +
                                 (sizeof(PetscScalar) == 8 ? "double" : "other") + ", " +
                                 std::to_string(sizeof(PetscInt) * 8) + "-bit indices");

  const int kv = KOKKOS_VERSION;
  rows.emplace_back("Kokkos", std::to_string(kv / 10000) + "." + std::to_string(kv / 100 % 100) +
                                  "." + std::to_string(kv % 100) + ", default execution space " +
                                  Kokkos::DefaultExecutionSpace::name() + " (concurrency " +
                                  std::to_string(Kokkos::DefaultExecutionSpace().concurrency()) +
                                  "), memory space " +
                                  Kokkos::DefaultExecutionSpace::memory_space::name());
  rows.emplace_back("KokkosKernels", kokkos_kernels_version() +
#if defined(KOKKOSKERNELS_ENABLE_TPL_BLAS)
                                         ", host BLAS TPL on"
#else
                                         ", host BLAS TPL off"
#endif
#if defined(KOKKOSKERNELS_ENABLE_TPL_CUBLAS)
                                         ", cuBLAS on"
#endif
  );

  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  rows.emplace_back(
      "HDF5", std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel) +
#if defined(H5_HAVE_PARALLEL)
                  ", parallel (MPI-IO)"
#else
                  ", serial"
#endif
  );

  rows.emplace_back("VTK", vtkVersion::GetVTKVersion());
  rows.emplace_back("FFTW", std::string(fftw_version) + ", single precision " + fftwf_version);
  rows.emplace_back("BLAS", std::string("OpenBLAS: ") + openblas_get_config() + ", core " +
                                openblas_get_corename() + ", " +
                                std::to_string(openblas_get_num_threads()) + " threads");

  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string mpi_version(mpi, static_cast<size_t>(len));
  mpi_version = mpi_version.substr(0, mpi_version.find_first_of(",\n"));
  rows.emplace_back("MPI",
                    mpi_version + ", " + std::to_string(size) + " rank" + (size == 1 ? "" : "s"));
  rows.emplace_back("host",
                    std::to_string(std::thread::hardware_concurrency()) + " hardware threads");
  return rows;
}

namespace {
std::string attribute_text(const h5::Attribute& a) {
  std::ostringstream os;
  std::visit([&os](const auto& v) { os << v; }, a);
  return os.str();
}
}  // namespace

std::string describe_file(const std::string& path) {
  const h5::Reader in(path);
  std::ostringstream os;
  os << path << ": eddyop " << in.kind() << "\n";
  for (const auto& name : in.fields()) {
    const auto f = in.field(name);
    os << "  field " << name << " " << h5::dtype_name(f.dtype) << " " << h5::format_shape(f.shape)
       << " (" << f.axes << ")\n";
  }
  for (const auto& name : in.coordinates()) {
    const auto c = in.read_coordinate(name);
    os << "  grid " << name << " " << c.size() << " points";
    if (!c.empty()) os << " from " << c.front() << " to " << c.back();
    os << "\n";
  }
  for (const char* group : {h5::kPhysicsGroup, h5::kProvenanceGroup}) {
    for (const auto& name : in.attribute_names(group)) {
      if (name == "config") continue;  // printed whole with -v only; it is long
      os << "  " << (group + 1) << "." << name << " = "
         << attribute_text(in.read_attribute(group, name)) << "\n";
    }
  }
  return os.str();
}

}  // namespace eddyop::cli
