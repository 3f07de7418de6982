// Training pairs read lazily from a dataset in our HDF5 layout (docs/data-format.md).
//
// Two kinds of data, told apart by each field's `axes` attribute:
//   operator maps  fields (sample, [c,] S...), e.g. Darcy a -> u, Burgers u0 -> uT: a pair is one
//                  sample, inputs -> outputs;
//   time series    fields (sample|trajectory, time, [c,] S...), e.g. NS2D vorticity, channel
//                  u, v, w, p: a pair is a window of `window` steps t .. t+k-1 -> the next `steps`
//                  steps t+k .. t+k+m-1 of one trajectory; inputs and outputs are the same fields.
// An axis named "c" holds a field's channels; every other axis after the leading ones is spatial.
//
// Batches are channel-first as the models take them: x (B, k Cin, S...) with the window's steps
// oldest first, each step the input fields' channels in the order given; y (B, m Cout, S...).
// Each batch reads only the samples it needs (read_slab), and keeps them in a cache while the
// cache holds less than its budget, so that a dataset that fits in memory is read once.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/hdf5/reader.hpp"
#include "core/tensor/tensor.hpp"

namespace eddyop::surrogates {

using tensor::Index;

struct DatasetOptions {
  std::string path;
  std::vector<std::string> inputs, outputs;  // field names
  Index window = 1;                          // k input steps (time series)
  Index steps = 1;                           // m target steps (time series)
  double cache_mb = 1024;                    // samples kept in memory after their first read
};

struct FieldLayout {
  std::string name, axes;
  h5::Shape shape;  // as stored
  Index channels = 1;
};

class Dataset {
 public:
  // Opens and checks the whole layout before anything is read: missing fields (named with the
  // fields present), different sample counts, time axes, spatial shapes, too short series.
  explicit Dataset(const DatasetOptions& options);

  const DatasetOptions& options() const { return options_; }
  const std::string& path() const { return options_.path; }
  bool time_series() const { return time_series_; }
  Index samples() const { return samples_; }  // samples or trajectories
  Index times() const { return times_; }      // 1 for operator maps
  const std::vector<Index>& spatial() const { return spatial_; }
  Index points() const;                                      // product of spatial()
  Index in_step_channels() const { return in_channels_; }    // Cin: one step of the inputs
  Index out_step_channels() const { return out_channels_; }  // Cout: one step of the outputs
  Index in_channels() const { return options_.window * in_channels_; }
  Index out_channels() const { return options_.steps * out_channels_; }
  Index pairs_per_sample() const;  // T - k - m + 1, or 1
  const std::vector<FieldLayout>& input_layout() const { return in_; }
  const std::vector<FieldLayout>& output_layout() const { return out_; }

  // The dataset's own split, from its root attributes train_samples / test_samples when it has
  // them (the generators write them; the test samples are the last ones); -1 when absent.
  Index stored_train_samples() const { return stored_train_; }
  Index stored_test_samples() const { return stored_test_; }

  // Pair ids of samples [first, first + count): sample * pairs_per_sample() + window start.
  std::vector<Index> pairs(Index first, Index count) const;

  // x (B, k Cin, S...) and y (B, m Cout, S...) for the given pair ids, physical units.
  void read_batch(std::vector<float>& x, std::vector<float>& y, const std::vector<Index>& ids);

  // Steps [0, T) of the given fields of one sample: (T, C, S...) with C their channels in
  // order; for operator maps T = 1.
  void read_sample(std::vector<float>& out, Index sample, bool outputs);

  // The file, for copying its grid and physics into outputs.
  const h5::Reader& reader() const { return reader_; }

 private:
  const std::vector<float>& cached(const FieldLayout& f, Index sample);
  // Copies steps [t0, t0 + n) of the fields of `sample` into dst (n, C, S...).
  void gather(float* dst, const std::vector<FieldLayout>& fields, Index sample, Index t0, Index n);

  DatasetOptions options_;
  h5::Reader reader_;
  std::vector<FieldLayout> in_, out_;
  bool time_series_ = false;
  Index samples_ = 0, times_ = 1, in_channels_ = 0, out_channels_ = 0;
  std::vector<Index> spatial_;
  Index stored_train_ = -1, stored_test_ = -1;
  std::map<std::pair<std::string, Index>, std::vector<float>> cache_;
  double cache_bytes_ = 0;
  std::vector<float> scratch_;
};

// A permutation of `ids` by the engine (the trainer's; its state goes into the checkpoint).
void shuffle(std::vector<Index>& ids, std::mt19937_64& rng);

}  // namespace eddyop::surrogates
