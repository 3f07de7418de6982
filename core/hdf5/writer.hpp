// Writes one eddyop HDF5 file (layout in docs/data-format.md), from one rank or from all ranks
// of a communicator into the same file.
//
//   h5::Writer out("runs/chan/dataset.h5", "dataset", comm);       // collective
//   out.create_field("u", h5::DType::kFloat32, "sample,c,x,y,z", {n_samples, 3, nx, ny, nz});
//   out.write_slab("u", u_local.data(), first_sample, n_local);   // (n_local, 3, nx, ny, nz)
//   out.write_coordinate("y", y);                                 // (ny)
//   out.write_attribute(h5::kPhysicsGroup, "Re_tau", 180.0);
//   out.write_provenance(Provenance::collect(seed, config_yaml, comm));
//   out.close();                                                  // renames into place
//
// The file is written under a temporary name beside the final one and renamed on close(), so
// that a crash never leaves a truncated file where a good one was expected. Destroyed without
// close() (an exception unwinding), the writer removes the temporary file and leaves whatever
// was at the final path untouched.
//
// On a communicator of several ranks every method is collective: all ranks call it in the same
// order with the same names, shapes and attribute values (HDF5 requires its metadata calls to
// be collective); only the data of write_slab differs from rank to rank.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5/attribute.hpp"
#include "core/hdf5/dtype.hpp"
#include "core/hdf5/handle.hpp"
#include "core/hdf5/layout.hpp"
#include "core/hdf5/shape.hpp"
#include "core/provenance.hpp"

namespace eddyop::h5 {

class Writer {
 public:
  // Creates `<path>.tmp.<pid of rank 0>` and writes the root attributes (format,
  // format_version, kind) and the groups /fields, /grid, /physics, /provenance.
  Writer(std::string path, const std::string& kind, MPI_Comm comm = MPI_COMM_WORLD);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  const std::string& path() const { return path_; }
  const std::string& temporary_path() const { return temporary_path_; }

  // Creates /fields/<name> with its global shape, leading (sample/time) axis first. `axes`
  // names each axis, comma-separated: "sample,time,x,y,z" for a shape of rank 5.
  void create_field(const std::string& name, DType dtype, const std::string& axes,
                    const Shape& global_shape);

  // Writes this rank's samples [offset, offset + count) of the leading axis of a created field.
  // `count` may be 0 (and `data` null) on ranks that hold no samples. A buffer whose type is not
  // the field's is converted by HDF5 (a solver's doubles into a float32 field).
  void write_slab(const std::string& name, const float* data /* (count, ...) */,
                  std::int64_t offset, std::int64_t count);
  void write_slab(const std::string& name, const double* data /* (count, ...) */,
                  std::int64_t offset, std::int64_t count);

  // Creates /fields/<name> with the buffer's type and writes all of it from rank 0's buffer
  // (the other ranks' `data` is not read): the convenience for serial writers.
  void write_field(const std::string& name, const std::string& axes, const float* data /* shape */,
                   const Shape& shape);
  void write_field(const std::string& name, const std::string& axes, const double* data /* shape */,
                   const Shape& shape);

  // Writes /grid/<name>, float64, from rank 0's vector.
  void write_coordinate(const std::string& name, const std::vector<double>& values /* (n) */);

  // Sets attribute `name` of `object` ("/", kPhysicsGroup, field_path("u"), ...). The value
  // must be the same on every rank.
  void write_attribute(const std::string& object, const std::string& name, const Attribute& value);

  // Attributes of /provenance: version, git_sha, date_utc, host, seed, mpi_size, config.
  void write_provenance(const Provenance& provenance);

  // Closes the file and renames it to path(); a failure removes the temporary file.
  void close();

 private:
  void require_open(const char* method) const;
  void write_slab_as(hid_t memory_type, const std::string& name, const void* data,
                     std::int64_t offset, std::int64_t count);
  void discard() noexcept;

  std::string path_;
  std::string temporary_path_;
  MPI_Comm comm_;
  int rank_ = 0;
  FileHandle file_;
  PropertyListHandle transfer_;
};

}  // namespace eddyop::h5
