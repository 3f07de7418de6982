# Every third-party dependency is found here, once, and exposed as a target.
find_package(PkgConfig REQUIRED)

# MPI for C as well as C++: VTK's parallel modules and HDF5 both ask for the C side.
find_package(MPI REQUIRED COMPONENTS C CXX)

# HDF5: the parallel (OpenMPI) build, the one PETSc links against.
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "eddyop: the HDF5 found (${HDF5_C_INCLUDE_DIRS}) is not a parallel build. "
                      "Install libhdf5-openmpi-dev (scripts/setup does) or point HDF5_ROOT at a parallel HDF5.")
endif()
add_library(eddyop_hdf5 INTERFACE)
target_include_directories(eddyop_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_compile_definitions(eddyop_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
target_link_libraries(eddyop_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
add_library(eddyop::hdf5 ALIAS eddyop_hdf5)

# PETSc through its pkg-config file (Debian: petsc-dev).
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET PETSc)

# FFTW, double and single precision, with the threads libraries for plans on several cores.
pkg_check_modules(FFTW REQUIRED IMPORTED_TARGET fftw3 fftw3f)
find_library(FFTW3_THREADS_LIB fftw3_threads HINTS ${FFTW_LIBRARY_DIRS} REQUIRED)
find_library(FFTW3F_THREADS_LIB fftw3f_threads HINTS ${FFTW_LIBRARY_DIRS} REQUIRED)
add_library(eddyop_fftw INTERFACE)
target_link_libraries(eddyop_fftw INTERFACE ${FFTW3F_THREADS_LIB} ${FFTW3_THREADS_LIB} PkgConfig::FFTW)
add_library(eddyop::fftw ALIAS eddyop_fftw)

# OpenBLAS: Debian's default libblas is the slow reference BLAS, so name OpenBLAS explicitly.
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)

include(EddyopKokkos)

find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(CLI11 REQUIRED)

find_package(VTK REQUIRED COMPONENTS CommonCore CommonDataModel IOXML IOParallelXML ParallelMPI)

if(EDDYOP_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(EDDYOP_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
