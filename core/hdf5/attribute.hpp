// Named attributes on an HDF5 object (the root group, /physics, /provenance, a field): the
// value type, and writing, reading and listing them with messages that name file and object.
//
// On disk a number is a scalar float64 or int64 and a string is a scalar variable-length UTF-8
// string, which is what h5py writes and returns as float, int and str.
#pragma once

#include <hdf5.h>

#include <string>
#include <variant>
#include <vector>

namespace eddyop::h5 {

// An int becomes `long long`, a floating value `double`, a string literal `std::string`.
using Attribute = std::variant<double, long long, std::string>;

// Creates or replaces attribute `name` of `object` (open in file `path`, at `object_path`).
void write_attribute(hid_t object, const std::string& name, const Attribute& value,
                     const std::string& path, const std::string& object_path);

// Reads attribute `name`; a missing one is reported with the attributes that are present.
Attribute read_attribute(hid_t object, const std::string& name, const std::string& path,
                         const std::string& object_path);

// Names of the attributes of `object`, in creation or name order as HDF5 keeps them.
std::vector<std::string> attribute_names(hid_t object, const std::string& path,
                                         const std::string& object_path);

}  // namespace eddyop::h5
