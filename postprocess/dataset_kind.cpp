#include "postprocess/dataset_kind.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"

namespace eddyop::postprocess {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool uniform(const std::vector<double>& c) {
  if (c.size() < 3) return true;
  const double dx = c[1] - c[0];
  for (std::size_t i = 2; i < c.size(); ++i)
    if (std::abs((c[i] - c[i - 1]) - dx) > 1e-6 * std::abs(dx)) return false;
  return true;
}

}  // namespace

const char* kind_name(DatasetKind kind) {
  return kind == DatasetKind::channel ? "channel" : "periodic_box";
}

DatasetKind detect_dataset_kind(const std::string& path) {
  h5::Reader in(path);
  const auto root = in.attribute_names(h5::kRoot);
  if (contains(root, "solver")) {
    const h5::Attribute solver = in.read_attribute(h5::kRoot, "solver");
    if (std::holds_alternative<std::string>(solver) && std::get<std::string>(solver) == "channel")
      return DatasetKind::channel;
  }
  const auto physics = in.attribute_names(h5::kPhysicsGroup);
  for (const char* key : {"Re_tau", "y_bottom", "y_top"})
    if (contains(physics, key)) return DatasetKind::channel;
  if (contains(in.coordinates(), "y") && !uniform(in.read_coordinate("y")))
    return DatasetKind::channel;
  return DatasetKind::periodic_box;
}

DatasetKind common_dataset_kind(const std::vector<std::string>& files, const char* component) {
  EDDYOP_CHECK(!files.empty(), component, "no files");
  const DatasetKind kind = detect_dataset_kind(files[0]);
  for (std::size_t i = 1; i < files.size(); ++i) {
    const DatasetKind k = detect_dataset_kind(files[i]);
    EDDYOP_CHECK_HINT(k == kind, component,
                      "'" << files[i] << "' is a " << kind_name(k) << " file but '" << files[0]
                          << "' is a " << kind_name(kind),
                      "evaluate runs of one problem together");
  }
  return kind;
}

}  // namespace eddyop::postprocess
