#include "core/hdf5/reader.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "core/hdf5/collective.hpp"
#include "core/hdf5/error_stack.hpp"
#include "core/hdf5/file_access.hpp"
#include "core/hdf5/slab.hpp"
#include "core/strings.hpp"

namespace eddyop::h5 {

namespace {

// True when every component of the absolute `object` path exists; H5Lexists alone fails,
// rather than answering no, when a group on the way is missing.
bool exists(hid_t file, const std::string& object) {
  if (object == kRoot) return true;
  std::size_t slash = 0;
  while (slash != std::string::npos) {
    slash = object.find('/', slash + 1);
    if (H5Lexists(file, object.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) {
      take_innermost_error();
      return false;
    }
  }
  return true;
}

H5I_type_t type_of(hid_t file, const std::string& object) {
  ObjectHandle o(H5Oopen(file, object.c_str(), H5P_DEFAULT));
  if (!o.valid()) {
    take_innermost_error();
    return H5I_BADID;
  }
  return H5Iget_type(o.get());
}

// Absolute paths of the objects of `type` under `group` ("/" for the whole file), sorted.
std::vector<std::string> objects_under(hid_t file, const std::string& group, H5I_type_t type) {
  struct Visit {
    std::string prefix;
    H5I_type_t type;
    std::vector<std::string> found;
  } visit{group == kRoot ? "/" : group + "/", type, {}};
  auto collect = [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    ObjectHandle o(H5Oopen(g, name, H5P_DEFAULT));
    if (!o.valid()) return 0;  // a dangling link names no object
    if (H5Iget_type(o.get()) == v->type) v->found.push_back(v->prefix + name);
    return 0;
  };
  ObjectHandle g(H5Oopen(file, group.c_str(), H5P_DEFAULT));
  if (g.valid()) H5Lvisit(g.get(), H5_INDEX_NAME, H5_ITER_INC, collect, &visit);
  take_innermost_error();
  std::sort(visit.found.begin(), visit.found.end());
  return visit.found;
}

std::string present(const std::vector<std::string>& names, const char* what) {
  if (names.empty()) return std::string("the file has no ") + what;
  return std::string("the ") + what + " present are: " + join(names);
}

std::string basename_of(const std::string& object) {
  return object.substr(object.find_last_of('/') + 1);
}

const char* kind_name(const Attribute& value) {
  if (std::holds_alternative<double>(value)) return "a float";
  if (std::holds_alternative<long long>(value)) return "an integer";
  return "a string";
}

}  // namespace

Reader::Reader(std::string path, MPI_Comm comm)
    : path_(std::move(path)), comm_(comm), file_(open_existing(path_, comm)) {
  transfer_ = transfer_for(comm_, path_);
  const auto root = attribute_names(kRoot);
  const bool has_format = std::find(root.begin(), root.end(), "format") != root.end();
  const Attribute format = has_format ? read_attribute(kRoot, "format") : Attribute();
  EDDYOP_CHECK_HINT(has_format && format == Attribute(std::string(kFormatName)), "hdf5",
                    "'" << path_ << "': is an HDF5 file but not an eddyop file: its root "
                        << "attribute 'format' is " << (has_format ? "not \"eddyop\"" : "missing"),
                    "docs/data-format.md describes the layout eddyop reads");
  const long long version = read_int(kRoot, "format_version");
  EDDYOP_CHECK_HINT(version >= 1 && version <= kFormatVersion, "hdf5",
                    "'" << path_ << "': has format_version " << version
                        << ", and this eddyop reads format_version 1 to " << kFormatVersion,
                    "read it with the eddyop version that wrote it (see /provenance)");
}

std::string Reader::kind() const {
  return read_string(kRoot, "kind");
}

void Reader::expect_kind(const std::string& kind) const {
  const std::string actual = this->kind();
  EDDYOP_CHECK(
      actual == kind, "hdf5",
      "'" << path_ << "': is a " << actual << " file but a " << kind << " file was expected");
}

ObjectHandle Reader::open_object(const std::string& object) const {
  if (!exists(file_.get(), object)) {
    EDDYOP_FAIL("hdf5", "'" << path_ << "': no group or dataset " << object << "; "
                            << present(objects_under(file_.get(), kRoot, H5I_GROUP), "groups"));
  }
  return ObjectHandle(
      check_id(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), path_, "cannot open " + object));
}

DatasetHandle Reader::open_dataset(const std::string& dataset_path) const {
  if (!exists(file_.get(), dataset_path) || type_of(file_.get(), dataset_path) != H5I_DATASET) {
    EDDYOP_FAIL("hdf5", "'" << path_ << "': no dataset " << dataset_path << "; "
                            << present(objects_under(file_.get(), kRoot, H5I_DATASET), "datasets"));
  }
  return DatasetHandle(check_id(H5Dopen2(file_.get(), dataset_path.c_str(), H5P_DEFAULT), path_,
                                "cannot open dataset " + dataset_path));
}

std::vector<std::string> Reader::datasets_in(const char* group) const {
  std::vector<std::string> names;
  for (const auto& p : objects_under(file_.get(), group, H5I_DATASET)) {
    // Direct members only: a field's name has no '/'.
    if (p.rfind('/') == std::string(group).size()) names.push_back(basename_of(p));
  }
  return names;
}

std::vector<std::string> Reader::fields() const {
  return datasets_in(kFieldsGroup);
}

bool Reader::has_field(const std::string& name) const {
  const std::string p = field_path(name);
  return exists(file_.get(), p) && type_of(file_.get(), p) == H5I_DATASET;
}

FieldInfo Reader::field(const std::string& name) const {
  const std::string dataset_path = field_path(name);
  DatasetHandle dataset = open_dataset(dataset_path);
  FieldInfo info;
  info.name = name;
  DatatypeHandle type(
      check_id(H5Dget_type(dataset.get()), path_, "cannot read the type of " + dataset_path));
  const std::size_t size = H5Tget_size(type.get());
  EDDYOP_CHECK(H5Tget_class(type.get()) == H5T_FLOAT && (size == 4 || size == 8), "hdf5",
               "'" << path_ << "': dataset " << dataset_path
                   << " is not float32 or float64, the types a field may have");
  info.dtype = size == 4 ? DType::kFloat32 : DType::kFloat64;
  DataspaceHandle space(
      check_id(H5Dget_space(dataset.get()), path_, "cannot read the shape of " + dataset_path));
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  info.shape.assign(dims.begin(), dims.end());
  if (H5Aexists(dataset.get(), kAxesAttribute) > 0) {
    info.axes = read_string(dataset_path, kAxesAttribute);
  }
  return info;
}

void Reader::expect_field(const std::string& name, DType dtype, const Shape& expected) const {
  const FieldInfo info = field(name);
  EDDYOP_CHECK(info.dtype == dtype, "hdf5",
               "'" << path_ << "': dataset " << field_path(name) << " is " << dtype_name(info.dtype)
                   << " but " << dtype_name(dtype) << " was expected");
  expect_field(name, expected);
}

void Reader::expect_field(const std::string& name, const Shape& expected) const {
  const FieldInfo info = field(name);
  if (shape_matches(info.shape, expected)) return;
  if (info.shape.size() != expected.size()) {
    EDDYOP_FAIL("hdf5", "'" << path_ << "': dataset " << field_path(name) << " has shape "
                            << format_shape(info.shape) << " of " << info.shape.size()
                            << " axes but " << format_shape(expected) << " of " << expected.size()
                            << " axes was expected");
  }
  EDDYOP_FAIL("hdf5", "'" << path_ << "': dataset " << field_path(name) << " has shape "
                          << format_shape(info.shape) << " but " << format_shape(expected)
                          << " was expected");
}

template <class T>
void Reader::read_slab_into(std::vector<T>& out, const std::string& name, std::int64_t offset,
                            std::int64_t count, Convert convert) const {
  const FieldInfo info = field(name);
  const std::string dataset_path = field_path(name);
  EDDYOP_CHECK_HINT(info.dtype == dtype_of<T>() || convert == Convert::kYes, "hdf5",
                    "'" << path_ << "': dataset " << dataset_path << " is "
                        << dtype_name(info.dtype) << " but " << dtype_name(dtype_of<T>())
                        << " was requested",
                    "read into the matching type, or pass h5::Convert::kYes to convert");
  std::string error;
  if (offset < 0 || count < 0 || offset + count > info.shape[0]) {
    error = "samples [" + std::to_string(offset) + ", " + std::to_string(offset + count) +
            ") of dataset " + dataset_path + " were asked for, but it has " +
            std::to_string(info.shape[0]) + " along its leading axis";
  }
  agree_or_throw(comm_, path_, error);

  Shape slab = info.shape;
  slab[0] = count;
  out.resize(static_cast<std::size_t>(element_count(slab)));
  const hid_t memory_type = std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;

  DatasetHandle dataset = open_dataset(dataset_path);
  DataspaceHandle file_space(
      check_id(H5Dget_space(dataset.get()), path_, "cannot read the shape of " + dataset_path));
  const std::vector<hsize_t> dims(info.shape.begin(), info.shape.end());
  DataspaceHandle memory_space =
      select_samples(file_space.get(), dims, offset, count, path_, dataset_path);
  T nothing{};
  check_status(H5Dread(dataset.get(), memory_type, memory_space.get(), file_space.get(),
                       transfer_.get(), out.empty() ? &nothing : out.data()),
               path_, "cannot read " + dataset_path);
}

void Reader::read_field(std::vector<float>& out, const std::string& name, Convert convert) const {
  read_slab_into(out, name, 0, field(name).shape[0], convert);
}

void Reader::read_field(std::vector<double>& out, const std::string& name, Convert convert) const {
  read_slab_into(out, name, 0, field(name).shape[0], convert);
}

void Reader::read_slab(std::vector<float>& out, const std::string& name, std::int64_t offset,
                       std::int64_t count, Convert convert) const {
  read_slab_into(out, name, offset, count, convert);
}

void Reader::read_slab(std::vector<double>& out, const std::string& name, std::int64_t offset,
                       std::int64_t count, Convert convert) const {
  read_slab_into(out, name, offset, count, convert);
}

std::vector<std::string> Reader::coordinates() const {
  return datasets_in(kGridGroup);
}

std::vector<double> Reader::read_coordinate(const std::string& name) const {
  const std::string dataset_path = coordinate_path(name);
  DatasetHandle dataset = open_dataset(dataset_path);
  DataspaceHandle space(
      check_id(H5Dget_space(dataset.get()), path_, "cannot read the shape of " + dataset_path));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  EDDYOP_CHECK(rank == 1, "hdf5",
               "'" << path_ << "': dataset " << dataset_path << " has " << rank
                   << " axes but a coordinate has 1");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<double> values(n);
  double nothing = 0;
  check_status(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, transfer_.get(),
                       n > 0 ? values.data() : &nothing),
               path_, "cannot read " + dataset_path);
  return values;
}

std::vector<std::string> Reader::attribute_names(const std::string& object) const {
  ObjectHandle o = open_object(object);
  return h5::attribute_names(o.get(), path_, object);
}

Attribute Reader::read_attribute(const std::string& object, const std::string& name) const {
  ObjectHandle o = open_object(object);
  return h5::read_attribute(o.get(), name, path_, object);
}

double Reader::read_double(const std::string& object, const std::string& name) const {
  const Attribute value = read_attribute(object, name);
  if (const auto* i = std::get_if<long long>(&value)) return static_cast<double>(*i);
  EDDYOP_CHECK(std::holds_alternative<double>(value), "hdf5",
               "'" << path_ << "': attribute '" << name << "' of " << object << " is "
                   << kind_name(value) << " but a number was expected");
  return std::get<double>(value);
}

long long Reader::read_int(const std::string& object, const std::string& name) const {
  const Attribute value = read_attribute(object, name);
  EDDYOP_CHECK(std::holds_alternative<long long>(value), "hdf5",
               "'" << path_ << "': attribute '" << name << "' of " << object << " is "
                   << kind_name(value) << " but an integer was expected");
  return std::get<long long>(value);
}

std::string Reader::read_string(const std::string& object, const std::string& name) const {
  const Attribute value = read_attribute(object, name);
  EDDYOP_CHECK(std::holds_alternative<std::string>(value), "hdf5",
               "'" << path_ << "': attribute '" << name << "' of " << object << " is "
                   << kind_name(value) << " but a string was expected");
  return std::get<std::string>(value);
}

Provenance Reader::read_provenance() const {
  Provenance p;
  p.version = read_string(kProvenanceGroup, "version");
  p.git_sha = read_string(kProvenanceGroup, "git_sha");
  p.date_utc = read_string(kProvenanceGroup, "date_utc");
  p.host = read_string(kProvenanceGroup, "host");
  p.seed = read_int(kProvenanceGroup, "seed");
  p.mpi_size = static_cast<int>(read_int(kProvenanceGroup, "mpi_size"));
  p.config_yaml = read_string(kProvenanceGroup, "config");
  return p;
}

}  // namespace eddyop::h5
