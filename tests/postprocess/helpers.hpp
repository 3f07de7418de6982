// Small helpers shared by the post-processing tests.
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace eddyop::test {

// A fresh directory for one test's files, under the build tree when ctest runs the test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const char* bin = std::getenv("EDDYOP_BINARY_DIR");
  const std::filesystem::path root =
      bin ? std::filesystem::path(bin) / "test-output" / "postprocess"
          : std::filesystem::temp_directory_path() / "eddyop-test-postprocess";
  const auto dir = root / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The reference data directory: $EDDYOP_REFERENCE_DIR, else $EDDYOP_SOURCE_DIR/../shared/reference;
// empty when neither holds mkm1999/.
inline std::string reference_dir() {
  std::vector<std::filesystem::path> candidates;
  if (const char* r = std::getenv("EDDYOP_REFERENCE_DIR")) candidates.emplace_back(r);
  if (const char* s = std::getenv("EDDYOP_SOURCE_DIR"))
    candidates.push_back(std::filesystem::path(s) / ".." / "shared" / "reference");
  for (const auto& c : candidates)
    if (std::filesystem::is_directory(c / "mkm1999" / "chan180")) return c.string();
  return {};
}

inline std::vector<double> random_values(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> d(0.0, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) x = d(gen);
  return v;
}

// A tanh-stretched wall-normal grid on [0, 2h] with ny nodes, symmetric about h.
inline std::vector<double> stretched_y(std::size_t ny, double h = 1.0, double beta = 2.0) {
  std::vector<double> y(ny);
  for (std::size_t j = 0; j < ny; ++j) {
    const double s = -1.0 + 2.0 * static_cast<double>(j) / static_cast<double>(ny - 1);
    y[j] = h * (1.0 + std::tanh(beta * s) / std::tanh(beta));
  }
  y.front() = 0.0;
  y.back() = 2.0 * h;
  return y;
}

}  // namespace eddyop::test
