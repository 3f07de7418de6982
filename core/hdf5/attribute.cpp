#include "core/hdf5/attribute.hpp"

#include <cstdint>

#include "core/error.hpp"
#include "core/hdf5/error_stack.hpp"
#include "core/hdf5/handle.hpp"
#include "core/strings.hpp"

namespace eddyop::h5 {

namespace {

DatatypeHandle utf8_string_type(const std::string& path) {
  DatatypeHandle type(check_id(H5Tcopy(H5T_C_S1), path, "cannot make a string type"));
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), path, "cannot make a string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "cannot make a string type");
  return type;
}

std::string read_string(hid_t attribute, hid_t file_type, const std::string& path,
                        const std::string& where) {
  if (H5Tis_variable_str(file_type) > 0) {
    DatatypeHandle memory_type = utf8_string_type(path);
    char* text = nullptr;
    check_status(H5Aread(attribute, memory_type.get(), &text), path, "cannot read " + where);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  // Fixed-length strings, as some other writers (and h5py with numpy bytes) store them.
  const std::size_t size = H5Tget_size(file_type);
  DatatypeHandle memory_type(check_id(H5Tcopy(file_type), path, "cannot read " + where));
  std::string value(size, '\0');
  check_status(H5Aread(attribute, memory_type.get(), value.data()), path, "cannot read " + where);
  value.erase(value.find_last_not_of(std::string("\0 ", 2)) + 1);
  return value;
}

}  // namespace

void write_attribute(hid_t object, const std::string& name, const Attribute& value,
                     const std::string& path, const std::string& object_path) {
  const std::string where = "attribute '" + name + "' of " + object_path;
  if (H5Aexists(object, name.c_str()) > 0) {
    check_status(H5Adelete(object, name.c_str()), path, "cannot replace " + where);
  }
  DataspaceHandle scalar(check_id(H5Screate(H5S_SCALAR), path, "cannot write " + where));
  if (const auto* d = std::get_if<double>(&value)) {
    AttributeHandle a(check_id(
        H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
        path, "cannot create " + where));
    check_status(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, d), path, "cannot write " + where);
  } else if (const auto* i = std::get_if<long long>(&value)) {
    AttributeHandle a(check_id(
        H5Acreate2(object, name.c_str(), H5T_STD_I64LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
        path, "cannot create " + where));
    check_status(H5Awrite(a.get(), H5T_NATIVE_LLONG, i), path, "cannot write " + where);
  } else {
    const std::string& s = std::get<std::string>(value);
    DatatypeHandle type = utf8_string_type(path);
    AttributeHandle a(check_id(
        H5Acreate2(object, name.c_str(), type.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT), path,
        "cannot create " + where));
    const char* text = s.c_str();
    check_status(H5Awrite(a.get(), type.get(), &text), path, "cannot write " + where);
  }
}

Attribute read_attribute(hid_t object, const std::string& name, const std::string& path,
                         const std::string& object_path) {
  if (H5Aexists(object, name.c_str()) <= 0) {
    take_innermost_error();
    const auto present = attribute_names(object, path, object_path);
    EDDYOP_FAIL(
        "hdf5",
        "'" << path << "': " << object_path << " has no attribute '" << name << "'; "
            << (present.empty() ? "it has no attributes" : "its attributes are: " + join(present)));
  }
  const std::string where = "attribute '" + name + "' of " + object_path;
  AttributeHandle a(
      check_id(H5Aopen(object, name.c_str(), H5P_DEFAULT), path, "cannot open " + where));
  DataspaceHandle space(check_id(H5Aget_space(a.get()), path, "cannot read " + where));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  EDDYOP_CHECK(n == 1, "hdf5",
               "'" << path << "': " << where << " holds " << n << " values where one was expected");
  DatatypeHandle type(check_id(H5Aget_type(a.get()), path, "cannot read " + where));
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT: {
      double d = 0;
      check_status(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &d), path, "cannot read " + where);
      return d;
    }
    case H5T_INTEGER: {
      long long i = 0;
      check_status(H5Aread(a.get(), H5T_NATIVE_LLONG, &i), path, "cannot read " + where);
      return i;
    }
    case H5T_STRING:
      return read_string(a.get(), type.get(), path, where);
    default:
      EDDYOP_FAIL("hdf5", "'" << path << "': " << where
                              << " is neither a number nor a string, the only kinds eddyop reads");
  }
}

std::vector<std::string> attribute_names(hid_t object, const std::string& path,
                                         const std::string& object_path) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  hsize_t index = 0;
  check_status(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names), path,
               "cannot list the attributes of " + object_path);
  return names;
}

}  // namespace eddyop::h5
