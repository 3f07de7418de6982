// Reads an eddyop HDF5 file (layout in docs/data-format.md), checking names, ranks, shapes and
// types and saying exactly what differs:
//
//   h5::Reader in("run.h5");
//   in.expect_field("u", h5::DType::kFloat32, {h5::kAnyExtent, 32, 34});
//   -> eddyop::hdf5: 'run.h5': dataset /fields/u has shape (4, 32, 33) but (*, 32, 34) was
//      expected
//   std::vector<float> u;
//   in.read_slab(u, "u", first, count);   // (count, 32, 34)
//
// Opened on a communicator of several ranks (MPI-IO), every method is collective: all ranks
// call it in the same order, each with its own slab.
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

struct FieldInfo {
  std::string name;  // "u", stored at /fields/u
  DType dtype = DType::kFloat32;
  Shape shape;       // leading (sample/time) axis first
  std::string axes;  // "sample,x,y"
};

class Reader {
 public:
  // Opens `path` read-only and checks that it is an eddyop file of a format version this build
  // reads. A missing file, a file that is not HDF5 and a truncated one each get their own message.
  explicit Reader(std::string path, MPI_Comm comm = MPI_COMM_SELF);

  const std::string& path() const { return path_; }

  // The root attribute `kind`: "dataset", "trajectory", "statistics", ...
  std::string kind() const;
  void expect_kind(const std::string& kind) const;

  // Names of the fields (datasets in /fields), sorted.
  std::vector<std::string> fields() const;
  bool has_field(const std::string& name) const;
  FieldInfo field(const std::string& name) const;

  // Throws unless /fields/<name> exists with this type and shape (kAnyExtent for a free axis).
  void expect_field(const std::string& name, DType dtype, const Shape& expected) const;
  void expect_field(const std::string& name, const Shape& expected) const;

  // The whole field. A field stored in the other floating type is read only with Convert::kYes.
  void read_field(std::vector<float>& out /* shape */, const std::string& name,
                  Convert convert = Convert::kNo) const;
  void read_field(std::vector<double>& out /* shape */, const std::string& name,
                  Convert convert = Convert::kNo) const;

  // Samples [offset, offset + count) of the leading axis; `count` may be 0.
  void read_slab(std::vector<float>& out /* (count, ...) */, const std::string& name,
                 std::int64_t offset, std::int64_t count, Convert convert = Convert::kNo) const;
  void read_slab(std::vector<double>& out /* (count, ...) */, const std::string& name,
                 std::int64_t offset, std::int64_t count, Convert convert = Convert::kNo) const;

  // Names of the coordinates (datasets in /grid), sorted, and one of them.
  std::vector<std::string> coordinates() const;
  std::vector<double> read_coordinate(const std::string& name) const;  // (n)

  // Attributes of `object` ("/", kPhysicsGroup, field_path("u"), ...).
  std::vector<std::string> attribute_names(const std::string& object) const;
  Attribute read_attribute(const std::string& object, const std::string& name) const;
  double read_double(const std::string& object, const std::string& name) const;  // or an int
  long long read_int(const std::string& object, const std::string& name) const;
  std::string read_string(const std::string& object, const std::string& name) const;

  Provenance read_provenance() const;

 private:
  ObjectHandle open_object(const std::string& object) const;
  DatasetHandle open_dataset(const std::string& dataset_path) const;
  std::vector<std::string> datasets_in(const char* group) const;
  template <class T>
  void read_slab_into(std::vector<T>& out, const std::string& name, std::int64_t offset,
                      std::int64_t count, Convert convert) const;

  std::string path_;
  MPI_Comm comm_;
  FileHandle file_;
  PropertyListHandle transfer_;
};

}  // namespace eddyop::h5
