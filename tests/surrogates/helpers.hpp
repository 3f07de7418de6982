// Small datasets in our HDF5 layout and case files for the surrogates tests.
#pragma once

#include <mpi.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/hdf5/writer.hpp"
#include "surrogates/stages.hpp"

namespace eddyop::surrogates::testing {

struct FieldData {
  std::string name, axes;
  h5::Shape shape;
  std::vector<float> values;
};

inline void write_dataset(const std::string& path, const std::vector<FieldData>& fields,
                          long long test_samples = -1) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  h5::Writer w(path, "dataset", MPI_COMM_SELF);
  for (const auto& f : fields) w.write_field(f.name, f.axes, f.values.data(), f.shape);
  w.write_coordinate("x", std::vector<double>(static_cast<size_t>(fields[0].shape.back()), 0.5));
  w.write_attribute(h5::kPhysicsGroup, "nu", 0.01);
  if (test_samples >= 0) {
    w.write_attribute(h5::kRoot, "test_samples", test_samples);
    w.write_attribute(h5::kRoot, "train_samples", fields[0].shape[0] - test_samples);
  }
  w.close();
}

// A case with the surrogates' sections and a minimal `case` section, from YAML text.
inline config::Case make_case(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  config::Section root("case file", "test");
  config::Section c("case", "test");
  c.add_string("name", "test", "name");
  c.add_int("seed", 0, "seed");
  root.add_section(c);
  for (auto& s : surrogate_sections()) root.add_section(std::move(s));
  return config::Case::parse(yaml, "test.yaml", root, sets);
}

inline std::string scratch_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("eddyop-surrogates-" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

}  // namespace eddyop::surrogates::testing
