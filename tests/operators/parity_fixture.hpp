// The parity fixtures written by scripts/make_*_fixture.py (PyTorch on fixed weights): a simple
// versioned binary of named float32 tensors, and the error measure the parity tests use.
//
// Format: "EDDYOPFX", uint32 version (1), uint32 count, then per record: uint32 name length,
// name, uint32 rank, int64 sizes[rank], float32 values[prod(sizes)], all little-endian.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/tensor/tensor.hpp"

namespace eddyop::testing {

struct FixtureRecord {
  tensor::Shape shape;
  std::vector<float> values;
};

// `script` is named in the hint of a missing file: the script that writes it.
inline std::map<std::string, FixtureRecord> read_fixture(const std::string& path,
                                                         const std::string& script) {
  std::ifstream in(path, std::ios::binary);
  EDDYOP_CHECK_HINT(in, "test", "cannot open '" << path << "'", "run /usr/bin/python3 " << script);
  char magic[8];
  std::uint32_t version = 0, count = 0;
  in.read(magic, 8);
  in.read(reinterpret_cast<char*>(&version), 4);
  in.read(reinterpret_cast<char*>(&count), 4);
  EDDYOP_CHECK(std::string(magic, 8) == "EDDYOPFX" && version == 1, "test",
               "'" << path << "' is not a version-1 fixture");
  std::map<std::string, FixtureRecord> out;
  for (std::uint32_t r = 0; r < count; ++r) {
    std::uint32_t len = 0, rank = 0;
    in.read(reinterpret_cast<char*>(&len), 4);
    std::string name(len, ' ');
    in.read(name.data(), len);
    in.read(reinterpret_cast<char*>(&rank), 4);
    std::vector<tensor::Index> sizes(rank);
    in.read(reinterpret_cast<char*>(sizes.data()), static_cast<std::streamsize>(8 * rank));
    FixtureRecord rec{tensor::Shape(sizes), {}};
    rec.values.resize(static_cast<std::size_t>(rec.shape.numel()));
    in.read(reinterpret_cast<char*>(rec.values.data()),
            static_cast<std::streamsize>(4 * rec.values.size()));
    EDDYOP_CHECK(in, "test", "'" << path << "' is truncated at record " << name);
    out.emplace(name, std::move(rec));
  }
  return out;
}

// Largest |a - b| over the largest |b|: a scale-aware error that one tiny entry cannot inflate.
inline double relative_max_error(const std::vector<float>& a, const std::vector<float>& b) {
  double err = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    err = std::max(err, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  }
  return err / std::max(scale, 1e-30);
}

}  // namespace eddyop::testing
