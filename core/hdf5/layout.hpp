// The names of eddyop's HDF5 layout, in one place; docs/data-format.md describes the layout for
// readers who use h5py instead of this code.
#pragma once

#include <string>

namespace eddyop::h5 {

// Root attributes: format = "eddyop", format_version = kFormatVersion, kind = "dataset", ...
inline constexpr const char* kFormatName = "eddyop";
inline constexpr long long kFormatVersion = 1;
inline constexpr const char* kRoot = "/";

inline constexpr const char* kFieldsGroup = "/fields";    // float32/float64, sample axis first
inline constexpr const char* kGridGroup = "/grid";        // float64 coordinate vectors
inline constexpr const char* kPhysicsGroup = "/physics";  // attributes only
inline constexpr const char* kProvenanceGroup = "/provenance";  // attributes only

// Attribute of each field: the comma-separated names of its axes, e.g. "sample,time,x,y,z".
inline constexpr const char* kAxesAttribute = "axes";

inline std::string field_path(const std::string& name) {
  return std::string(kFieldsGroup) + "/" + name;
}
inline std::string coordinate_path(const std::string& name) {
  return std::string(kGridGroup) + "/" + name;
}

}  // namespace eddyop::h5
