#include "core/hdf5/writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>

#include "core/error.hpp"
#include "core/hdf5/collective.hpp"
#include "core/hdf5/error_stack.hpp"
#include "core/hdf5/file_access.hpp"
#include "core/hdf5/slab.hpp"
#include "core/mpi.hpp"

namespace eddyop::h5 {

namespace {

std::vector<std::string> split_axes(const std::string& axes) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = axes.find(',', start);
    names.push_back(axes.substr(start, comma - start));
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

// Why `name` cannot name a dataset in a group, or "".
std::string invalid_name(const std::string& name) {
  if (name.empty()) return "an empty name";
  if (name.find('/') != std::string::npos) return "a name with '/'";
  if (name == "." || name == "..") return "the name '" + name + "'";
  return "";
}

hid_t file_type_of(DType dtype) {
  return dtype == DType::kFloat32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
}

void create_group(hid_t file, const char* group, const std::string& path) {
  GroupHandle g(check_id(H5Gcreate2(file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                         std::string("cannot create group ") + group));
}

// Forces the temporary file's bytes to the disk before the rename makes it visible, so that a
// power cut cannot leave a renamed but empty file.
void sync_to_disk(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Why the directory of `path` cannot receive the file, or "": said plainly rather than through
// HDF5's account of a failed open(2).
std::string missing_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return "cannot be written: directory '" + dir + "' does not exist";
  }
  return "";
}

}  // namespace

Writer::Writer(std::string path, const std::string& kind, MPI_Comm comm)
    : path_(std::move(path)), comm_(comm) {
  require_mpi(path_);
  silence_error_printing();
  rank_ = mpi::rank(comm_);
  agree_or_throw(comm_, path_, missing_directory(path_));
  // One name for all ranks: rank 0's pid, which no other writer on this host uses now.
  temporary_path_ =
      mpi::broadcast_string(comm_, path_ + ".tmp." + std::to_string(static_cast<long>(::getpid())));
  PropertyListHandle fapl = file_access_for(comm_, path_);
  file_ = FileHandle(
      check_id(H5Fcreate(temporary_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), path_,
               "cannot create the temporary file '" + temporary_path_ + "'"));
  // The destructor does not run when the constructor throws, so clean up here.
  try {
    transfer_ = transfer_for(comm_, path_);
    write_attribute(kRoot, "format", std::string(kFormatName));
    write_attribute(kRoot, "format_version", kFormatVersion);
    write_attribute(kRoot, "kind", kind);
    for (const char* group : {kFieldsGroup, kGridGroup, kPhysicsGroup, kProvenanceGroup}) {
      create_group(file_.get(), group, path_);
    }
  } catch (...) {
    discard();
    throw;
  }
}

Writer::~Writer() {
  discard();
}

void Writer::discard() noexcept {
  if (!file_.valid()) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  // After MPI_Finalize an MPI-IO file can no longer be closed; the process is ending anyway.
  if (!finalized) file_.reset();
  if (rank_ == 0) std::remove(temporary_path_.c_str());
}

void Writer::require_open(const char* method) const {
  EDDYOP_CHECK(file_.valid(), "hdf5",
               "'" << path_ << "': " << method << " called after close(); the file is complete");
}

void Writer::create_field(const std::string& name, DType dtype, const std::string& axes,
                          const Shape& global_shape) {
  require_open("create_field");
  const std::string where = "field '" + name + "'";
  const std::string bad_name = invalid_name(name);
  EDDYOP_CHECK(bad_name.empty(), "hdf5", "'" << path_ << "': a field cannot have " << bad_name);
  EDDYOP_CHECK(!global_shape.empty(), "hdf5",
               "'" << path_ << "': " << where
                   << " has no axes; a field has a leading sample/time axis at least");
  for (std::int64_t extent : global_shape) {
    EDDYOP_CHECK(extent >= 0, "hdf5",
                 "'" << path_ << "': " << where << " has a negative extent in its shape "
                     << format_shape(global_shape));
  }
  const auto axis_names = split_axes(axes);
  EDDYOP_CHECK(axis_names.size() == global_shape.size(), "hdf5",
               "'" << path_ << "': " << where << " has shape " << format_shape(global_shape)
                   << " of " << global_shape.size() << " axes, but axes \"" << axes << "\" names "
                   << axis_names.size());
  // Differing shapes would give each rank its own idea of the dataset: refuse before creating.
  std::uint64_t hash = std::hash<std::string>()(name + "|" + axes + "|" + dtype_name(dtype) + "|" +
                                                format_shape(global_shape));
  EDDYOP_CHECK(same_on_all_ranks(comm_, hash), "hdf5",
               "'" << path_ << "': the ranks disagree on the name, type, axes or shape of a field"
                   << " (this rank: " << where << ", " << dtype_name(dtype) << " "
                   << format_shape(global_shape) << ")");
  const std::string dataset_path = field_path(name);
  EDDYOP_CHECK(H5Lexists(file_.get(), dataset_path.c_str(), H5P_DEFAULT) <= 0, "hdf5",
               "'" << path_ << "': " << where << " is written twice");

  std::vector<hsize_t> dims(global_shape.begin(), global_shape.end());
  DataspaceHandle space(
      check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), path_,
               "cannot make the dataspace of " + where));
  // Contiguous storage: every sample is written exactly once, so fill values would only be
  // written to be overwritten.
  PropertyListHandle dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), path_, "cannot create " + where));
  check_status(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), path_, "cannot create " + where);
  DatasetHandle dataset(check_id(H5Dcreate2(file_.get(), dataset_path.c_str(), file_type_of(dtype),
                                            space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                 path_, "cannot create dataset " + dataset_path));
  h5::write_attribute(dataset.get(), kAxesAttribute, axes, path_, dataset_path);
}

void Writer::write_slab(const std::string& name, const float* data, std::int64_t offset,
                        std::int64_t count) {
  write_slab_as(H5T_NATIVE_FLOAT, name, data, offset, count);
}

void Writer::write_slab(const std::string& name, const double* data, std::int64_t offset,
                        std::int64_t count) {
  write_slab_as(H5T_NATIVE_DOUBLE, name, data, offset, count);
}

void Writer::write_slab_as(hid_t memory_type, const std::string& name, const void* data,
                           std::int64_t offset, std::int64_t count) {
  require_open("write_slab");
  const std::string dataset_path = field_path(name);
  // Checked on every rank, and agreed on, before the collective write that would otherwise
  // leave the ranks whose input is good waiting for the one that threw.
  std::string error;
  DatasetHandle dataset;
  DataspaceHandle file_space;
  std::vector<hsize_t> dims;
  if (!invalid_name(name).empty() ||
      H5Lexists(file_.get(), dataset_path.c_str(), H5P_DEFAULT) <= 0) {
    take_innermost_error();
    error = "write_slab of field '" + name + "', which create_field has not created";
  } else {
    dataset = DatasetHandle(check_id(H5Dopen2(file_.get(), dataset_path.c_str(), H5P_DEFAULT),
                                     path_, "cannot open dataset " + dataset_path));
    file_space = DataspaceHandle(
        check_id(H5Dget_space(dataset.get()), path_, "cannot read the shape of " + dataset_path));
    dims.resize(static_cast<std::size_t>(H5Sget_simple_extent_ndims(file_space.get())));
    H5Sget_simple_extent_dims(file_space.get(), dims.data(), nullptr);
    const auto n = static_cast<std::int64_t>(dims[0]);
    if (offset < 0 || count < 0 || offset + count > n) {
      error = "write_slab of samples [" + std::to_string(offset) + ", " +
              std::to_string(offset + count) + ") of " + dataset_path + ", which has " +
              std::to_string(n) + " along its leading axis";
    } else if (count > 0 && data == nullptr) {
      error = "write_slab of " + std::to_string(count) + " samples of " + dataset_path +
              " from a null buffer";
    }
  }
  agree_or_throw(comm_, path_, error);

  DataspaceHandle memory_space =
      select_samples(file_space.get(), dims, offset, count, path_, dataset_path);
  static const double kNothing = 0;
  check_status(H5Dwrite(dataset.get(), memory_type, memory_space.get(), file_space.get(),
                        transfer_.get(), data != nullptr ? data : &kNothing),
               path_, "cannot write samples of " + dataset_path);
}

void Writer::write_field(const std::string& name, const std::string& axes, const float* data,
                         const Shape& shape) {
  create_field(name, DType::kFloat32, axes, shape);
  const std::int64_t n = rank_ == 0 ? shape[0] : 0;
  write_slab(name, rank_ == 0 ? data : nullptr, 0, n);
}

void Writer::write_field(const std::string& name, const std::string& axes, const double* data,
                         const Shape& shape) {
  create_field(name, DType::kFloat64, axes, shape);
  const std::int64_t n = rank_ == 0 ? shape[0] : 0;
  write_slab(name, rank_ == 0 ? data : nullptr, 0, n);
}

void Writer::write_coordinate(const std::string& name, const std::vector<double>& values) {
  require_open("write_coordinate");
  const std::string bad_name = invalid_name(name);
  EDDYOP_CHECK(bad_name.empty(), "hdf5",
               "'" << path_ << "': a coordinate cannot have " << bad_name);
  const std::string dataset_path = coordinate_path(name);
  EDDYOP_CHECK(H5Lexists(file_.get(), dataset_path.c_str(), H5P_DEFAULT) <= 0, "hdf5",
               "'" << path_ << "': coordinate '" << name << "' is written twice");
  // The length is rank 0's, so that all ranks create the same dataset.
  unsigned long long n = values.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm_);
  const hsize_t dims[1] = {n};
  DataspaceHandle space(check_id(H5Screate_simple(1, dims, nullptr), path_,
                                 "cannot make the dataspace of " + dataset_path));
  DatasetHandle dataset(check_id(H5Dcreate2(file_.get(), dataset_path.c_str(), H5T_IEEE_F64LE,
                                            space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 path_, "cannot create dataset " + dataset_path));
  if (rank_ != 0) {
    check_status(H5Sselect_none(space.get()), path_, "cannot select in " + dataset_path);
  }
  static const double kNothing = 0;
  check_status(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, space.get(), space.get(), transfer_.get(),
                        rank_ == 0 && n > 0 ? values.data() : &kNothing),
               path_, "cannot write " + dataset_path);
}

void Writer::write_attribute(const std::string& object, const std::string& name,
                             const Attribute& value) {
  require_open("write_attribute");
  EDDYOP_CHECK(same_on_all_ranks(comm_, std::hash<Attribute>()(value)), "hdf5",
               "'" << path_ << "': the ranks write different values to attribute '" << name
                   << "' of " << object);
  EDDYOP_CHECK(object == kRoot || H5Lexists(file_.get(), object.c_str(), H5P_DEFAULT) > 0, "hdf5",
               "'" << path_ << "': attribute '" << name << "' of " << object
                   << ", which has not been written");
  ObjectHandle target(
      check_id(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), path_, "cannot open " + object));
  h5::write_attribute(target.get(), name, value, path_, object);
}

void Writer::write_provenance(const Provenance& provenance) {
  write_attribute(kProvenanceGroup, "version", provenance.version);
  write_attribute(kProvenanceGroup, "git_sha", provenance.git_sha);
  write_attribute(kProvenanceGroup, "date_utc", provenance.date_utc);
  write_attribute(kProvenanceGroup, "host", provenance.host);
  write_attribute(kProvenanceGroup, "seed", provenance.seed);
  write_attribute(kProvenanceGroup, "mpi_size", static_cast<long long>(provenance.mpi_size));
  write_attribute(kProvenanceGroup, "config", provenance.config_yaml);
}

void Writer::close() {
  require_open("close");
  transfer_.reset();
  const herr_t closed = file_.close();
  const std::string error = closed < 0 ? "cannot close the temporary file '" + temporary_path_ +
                                             "' (HDF5: " + take_innermost_error() + ")"
                                       : "";
  // Also the barrier: every rank has closed its part before rank 0 renames.
  const int failed_here = error.empty() ? 0 : 1;
  int failed_anywhere = 0;
  MPI_Allreduce(&failed_here, &failed_anywhere, 1, MPI_INT, MPI_MAX, comm_);
  std::string rename_error;
  if (rank_ == 0) {
    if (failed_anywhere == 0) {
      sync_to_disk(temporary_path_);
      if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
        rename_error = "cannot rename '" + temporary_path_ + "' to it: " + std::strerror(errno);
      }
    }
    if (failed_anywhere != 0 || !rename_error.empty()) std::remove(temporary_path_.c_str());
  }
  rename_error = mpi::broadcast_string(comm_, rename_error);
  EDDYOP_CHECK(error.empty(), "hdf5", "'" << path_ << "': " << error);
  EDDYOP_CHECK(failed_anywhere == 0, "hdf5",
               "'" << path_ << "': another rank could not close the temporary file");
  EDDYOP_CHECK(rename_error.empty(), "hdf5", "'" << path_ << "': " << rename_error);
}

}  // namespace eddyop::h5
