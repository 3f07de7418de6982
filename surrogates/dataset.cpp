#include "surrogates/dataset.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace eddyop::surrogates {

namespace {

std::vector<std::string> split_axes(const std::string& axes) {
  std::vector<std::string> out;
  std::stringstream ss(axes);
  std::string a;
  while (std::getline(ss, a, ',')) out.push_back(a);
  return out;
}

std::string shape_text(const std::vector<Index>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + ")";
}

}  // namespace

Dataset::Dataset(const DatasetOptions& options) : options_(options), reader_(options.path) {
  const char* who = "dataset";
  const std::string& file = options.path;
  EDDYOP_CHECK(!options.inputs.empty() && !options.outputs.empty(), who,
               "'" << file << "': give the input and output fields (train.inputs, train.outputs)");
  EDDYOP_CHECK(options.window >= 1 && options.steps >= 1, who,
               "window and steps must be at least 1");
  const auto present = reader_.fields();
  bool first = true;
  auto layout = [&](const std::string& name, const char* role) {
    EDDYOP_CHECK_HINT(reader_.has_field(name), who,
                      "'" << file << "' has no field '" << name << "' (" << role
                          << "); its fields are: " << join(present),
                      "set train." << role << " to fields of the dataset");
    const h5::FieldInfo info = reader_.field(name);
    FieldLayout f{name, info.axes, info.shape, 1};
    const auto axes = split_axes(info.axes);
    EDDYOP_CHECK(axes.size() == info.shape.size() && info.shape.size() >= 2, who,
                 "'" << file << "': field '" << name << "' has axes '" << info.axes
                     << "' for shape " << h5::format_shape(info.shape)
                     << "; expected (sample, [time,] [c,] space...)");
    const bool series = axes[1] == "time";
    size_t a = series ? 2 : 1;
    if (a < axes.size() && axes[a] == "c") f.channels = info.shape[a++];
    std::vector<Index> space(info.shape.begin() + static_cast<long>(a), info.shape.end());
    EDDYOP_CHECK(!space.empty() && space.size() <= 3, who,
                 "'" << file << "': field '" << name << "' (axes '" << info.axes << "') has "
                     << space.size() << " spatial axes; the models take 1 to 3");
    if (first) {
      time_series_ = series;
      samples_ = info.shape[0];
      times_ = series ? info.shape[1] : 1;
      spatial_ = space;
      first = false;
    }
    EDDYOP_CHECK(
        series == time_series_ && info.shape[0] == samples_ &&
            (series ? info.shape[1] : 1) == times_ && space == spatial_,
        who,
        "'" << file << "': field '" << name << "' has shape " << h5::format_shape(info.shape)
            << " (axes '" << info.axes << "'), which does not match the other fields: " << samples_
            << (time_series_ ? " samples of " + std::to_string(times_) + " steps" : " samples")
            << " on a grid " << shape_text(spatial_));
    return f;
  };
  for (const auto& n : options.inputs) in_.push_back(layout(n, "inputs"));
  for (const auto& n : options.outputs) out_.push_back(layout(n, "outputs"));
  for (const auto& f : in_) in_channels_ += f.channels;
  for (const auto& f : out_) out_channels_ += f.channels;

  if (time_series_) {
    EDDYOP_CHECK_HINT(options.inputs == options.outputs, who,
                      "'" << file << "' holds time series: the outputs (" << join(options.outputs)
                          << ") must be the inputs (" << join(options.inputs)
                          << "), since a rollout feeds its predictions back",
                      "set train.outputs equal to train.inputs");
    EDDYOP_CHECK_HINT(options.window + options.steps <= times_, who,
                      "'" << file << "' has " << times_
                          << " steps per trajectory, fewer than window " << options.window
                          << " + steps " << options.steps,
                      "lower train.window or train.steps");
  } else {
    EDDYOP_CHECK_HINT(options.window == 1 && options.steps == 1, who,
                      "'" << file << "' holds operator maps (no time axis): window and steps "
                          << "must be 1, got " << options.window << " and " << options.steps,
                      "remove train.window and train.steps");
  }
  for (const auto& a : reader_.attribute_names(h5::kRoot)) {
    if (a == "train_samples") stored_train_ = reader_.read_int(h5::kRoot, a);
    if (a == "test_samples") stored_test_ = reader_.read_int(h5::kRoot, a);
  }
}

Index Dataset::points() const {
  Index n = 1;
  for (Index s : spatial_) n *= s;
  return n;
}

Index Dataset::pairs_per_sample() const {
  return time_series_ ? times_ - options_.window - options_.steps + 1 : 1;
}

std::vector<Index> Dataset::pairs(Index first, Index count) const {
  EDDYOP_CHECK(first >= 0 && count >= 0 && first + count <= samples_, "dataset",
               "'" << path() << "': samples [" << first << ", " << first + count
                   << ") asked for, the file has " << samples_);
  std::vector<Index> ids;
  const Index per = pairs_per_sample();
  for (Index s = first; s < first + count; ++s)
    for (Index t = 0; t < per; ++t) ids.push_back(s * per + t);
  return ids;
}

const std::vector<float>& Dataset::cached(const FieldLayout& f, Index sample) {
  const auto key = std::make_pair(f.name, sample);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  std::vector<float> values;
  reader_.read_slab(values, f.name, sample, 1, h5::Convert::kYes);
  const double bytes = static_cast<double>(values.size() * sizeof(float));
  if (cache_bytes_ + bytes > options_.cache_mb * 1024.0 * 1024.0) {
    scratch_ = std::move(values);  // over budget: used for this read only
    return scratch_;
  }
  cache_bytes_ += bytes;
  return cache_.emplace(key, std::move(values)).first->second;
}

void Dataset::gather(float* dst, const std::vector<FieldLayout>& fields, Index sample, Index t0,
                     Index n) {
  const Index P = points();
  Index C = 0;
  for (const auto& f : fields) C += f.channels;
  Index c0 = 0;
  for (const auto& f : fields) {
    const std::vector<float>& v = cached(f, sample);  // (T, Cf, P) of this sample
    for (Index t = 0; t < n; ++t)
      std::memcpy(dst + (t * C + c0) * P, v.data() + (t0 + t) * f.channels * P,
                  static_cast<size_t>(f.channels * P) * sizeof(float));
    c0 += f.channels;
  }
}

void Dataset::read_batch(std::vector<float>& x, std::vector<float>& y,
                         const std::vector<Index>& ids) {
  const Index B = static_cast<Index>(ids.size()), P = points(), per = pairs_per_sample();
  x.resize(static_cast<size_t>(B * in_channels() * P));
  y.resize(static_cast<size_t>(B * out_channels() * P));
  for (Index b = 0; b < B; ++b) {
    const Index sample = ids[static_cast<size_t>(b)] / per, t = ids[static_cast<size_t>(b)] % per;
    EDDYOP_CHECK(sample >= 0 && sample < samples_, "dataset",
                 "pair id " << ids[b] << " out of range");
    gather(x.data() + b * in_channels() * P, in_, sample, t, options_.window);
    // A map's target is the same sample's output fields; a series' the steps after the window.
    const Index t_target = time_series_ ? t + options_.window : 0;
    gather(y.data() + b * out_channels() * P, out_, sample, t_target, options_.steps);
  }
}

void Dataset::read_sample(std::vector<float>& out, Index sample, bool outputs) {
  const auto& fields = outputs ? out_ : in_;
  const Index C = outputs ? out_channels_ : in_channels_;
  out.resize(static_cast<size_t>(times_ * C * points()));
  gather(out.data(), fields, sample, 0, times_);
}

void shuffle(std::vector<Index>& ids, std::mt19937_64& rng) {
  // Fisher-Yates with the engine's raw output: the same order with every standard library.
  for (size_t i = ids.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(ids[i - 1], ids[j]);
  }
}

}  // namespace eddyop::surrogates
