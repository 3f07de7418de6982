#include "core/hdf5/file_access.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/hdf5/collective.hpp"
#include "core/hdf5/error_stack.hpp"
#include "core/mpi.hpp"

namespace eddyop::h5 {

bool is_parallel(MPI_Comm comm) {
  return mpi::size(comm) > 1;
}

PropertyListHandle file_access_for(MPI_Comm comm, const std::string& path) {
  PropertyListHandle fapl(
      check_id(H5Pcreate(H5P_FILE_ACCESS), path, "cannot make file access properties"));
  if (is_parallel(comm)) {
    check_status(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), path,
                 "cannot select the MPI-IO driver");
  }
  return fapl;
}

PropertyListHandle transfer_for(MPI_Comm comm, const std::string& path) {
  PropertyListHandle dxpl(
      check_id(H5Pcreate(H5P_DATASET_XFER), path, "cannot make transfer properties"));
  if (is_parallel(comm)) {
    check_status(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE), path,
                 "cannot select collective transfer");
  }
  return dxpl;
}

void require_mpi(const std::string& path) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  EDDYOP_CHECK_HINT(initialized != 0, "hdf5",
                    "'" << path << "': MPI is not initialised, and every file has a communicator",
                    "start eddyop::Runtime (or MPI_Init) before opening files");
}

namespace {

// Why `path` cannot be an HDF5 file before HDF5 is asked, or "" if it may be one.
std::string diagnose_before_opening(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return "no such file";
    return std::string("cannot be read: ") + std::strerror(errno);
  }
  if (S_ISDIR(info.st_mode)) return "is a directory, not an HDF5 file";
  if (info.st_size == 0) return "is empty, not an HDF5 file";
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) return "is not an HDF5 file (it has no HDF5 signature)";
  if (is_hdf5 < 0) return "cannot be read as HDF5 (HDF5: " + take_innermost_error() + ")";
  return "";
}

}  // namespace

FileHandle open_existing(const std::string& path, MPI_Comm comm) {
  require_mpi(path);
  silence_error_printing();
  agree_or_throw(comm, path, diagnose_before_opening(path));
  PropertyListHandle fapl = file_access_for(comm, path);
  FileHandle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) {
    const std::string innermost = take_innermost_error();
    // The superblock records the end of the file; HDF5 compares it with the size on disk.
    EDDYOP_CHECK_HINT(innermost.find("truncated") == std::string::npos, "hdf5",
                      "'" << path << "': is not a complete HDF5 file; it is shorter than its "
                          << "header says (HDF5: " << innermost << ")",
                      "the copy or the run that wrote it was cut short; copy or write it again");
    EDDYOP_FAIL("hdf5",
                "'" << path << "': cannot be opened as an HDF5 file (HDF5: " << innermost << ")");
  }
  return file;
}

}  // namespace eddyop::h5
