// Datasets (pairs, batches, shuffling, errors) and normalisers (fit, round trip, decode on tape).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "helpers.hpp"
#include "surrogates/dataset.hpp"
#include "surrogates/normaliser.hpp"

namespace eddyop::surrogates {
namespace {

using testing::FieldData;

// value of a (sample, time, x) series: 100 s + 10 t + x, so that every entry names its origin.
std::vector<float> ramp(Index N, Index T, Index X) {
  std::vector<float> v;
  for (Index s = 0; s < N; ++s)
    for (Index t = 0; t < T; ++t)
      for (Index x = 0; x < X; ++x) v.push_back(static_cast<float>(100 * s + 10 * t + x));
  return v;
}

std::string series_file() {
  const std::string path = testing::scratch_dir("data") + "/series.h5";
  testing::write_dataset(path, {{"w", "sample,time,x", {3, 6, 4}, ramp(3, 6, 4)}}, 1);
  return path;
}

TEST(Dataset, TimeSeriesPairsAreWindowsAndNextSteps) {
  DatasetOptions o;
  o.path = series_file();
  o.inputs = o.outputs = {"w"};
  o.window = 2;
  o.steps = 2;
  Dataset d(o);
  EXPECT_TRUE(d.time_series());
  EXPECT_EQ(d.pairs_per_sample(), 3);  // t = 0, 1, 2 of 6 steps
  EXPECT_EQ(d.in_channels(), 2);
  EXPECT_EQ(d.out_channels(), 2);
  EXPECT_EQ(d.stored_test_samples(), 1);
  std::vector<float> x, y;
  d.read_batch(x, y, {1 * 3 + 2, 0});  // sample 1 from t = 2, sample 0 from t = 0
  // x (2, 2, 4): sample 1 steps 2, 3; sample 0 steps 0, 1. y: the two steps after each window.
  EXPECT_EQ(x[0], 120);
  EXPECT_EQ(x[4 + 3], 133);
  EXPECT_EQ(y[0], 140);
  EXPECT_EQ(y[4], 150);
  EXPECT_EQ(x[8], 0);
  EXPECT_EQ(y[8 + 4 + 1], 31);
}

TEST(Dataset, ShuffleIsDeterminedBySeed) {
  std::vector<Index> a(50), b, c;
  for (Index i = 0; i < 50; ++i) a[static_cast<size_t>(i)] = i;
  b = c = a;
  std::mt19937_64 r1(7), r2(7), r3(8);
  shuffle(a, r1);
  shuffle(b, r2);
  shuffle(c, r3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<Index> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (Index i = 0; i < 50; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
}

TEST(Dataset, MissingFieldNamesTheDatasetAndTheFieldsPresent) {
  DatasetOptions o;
  o.path = series_file();
  o.inputs = o.outputs = {"vorticity"};
  try {
    Dataset d(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(o.path), std::string::npos) << m;
    EXPECT_NE(m.find("no field 'vorticity'"), std::string::npos) << m;
    EXPECT_NE(m.find("its fields are: w"), std::string::npos) << m;
  }
}

TEST(Dataset, MismatchedShapesAndBadWindowsAreRefused) {
  const std::string path = testing::scratch_dir("data-shapes") + "/maps.h5";
  testing::write_dataset(path, {{"a", "sample,x,y", {2, 4, 4}, std::vector<float>(32, 1.0f)},
                                {"u", "sample,x,y", {2, 4, 5}, std::vector<float>(40, 1.0f)}});
  DatasetOptions o;
  o.path = path;
  o.inputs = {"a"};
  o.outputs = {"u"};
  try {
    Dataset d(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("field 'u' has shape (2, 4, 5)"), std::string::npos)
        << e.what();
  }
  DatasetOptions s;
  s.path = series_file();
  s.inputs = s.outputs = {"w"};
  s.window = 5;
  s.steps = 2;  // 7 > 6 steps
  EXPECT_THROW(Dataset{s}, Error);
}

TEST(Normaliser, FitsAndRoundTrips) {
  for (auto kind : {NormaliserKind::channel, NormaliserKind::pointwise}) {
    std::mt19937 rng(3);
    std::normal_distribution<float> n(2.0f, 3.0f);
    const Index C = 2, P = 5, N = 40;
    std::vector<float> data(static_cast<size_t>(N * C * P));
    for (auto& v : data) v = n(rng);
    Normaliser norm(kind, C, P);
    norm.add(data.data(), N);
    norm.finish();
    // Channel statistics are the plain mean and the unbiased std of the channel's values.
    if (kind == NormaliserKind::channel) {
      double s = 0, s2 = 0;
      for (Index i = 0; i < N; ++i)
        for (Index p = 0; p < P; ++p)
          s += static_cast<double>(data[static_cast<size_t>(i * C * P + p)]);
      const double mean = s / (N * P);
      for (Index i = 0; i < N; ++i)
        for (Index p = 0; p < P; ++p) {
          const double d = static_cast<double>(data[static_cast<size_t>(i * C * P + p)]) - mean;
          s2 += d * d;
        }
      EXPECT_NEAR(norm.mean()[0], mean, 1e-9);
      EXPECT_NEAR(norm.std()[0], std::sqrt(s2 / (N * P - 1)), 1e-9);
    }
    std::vector<float> x(data.begin(), data.begin() + 2 * C * P);
    norm.encode(x.data(), 2, 1);
    // The tape's decode and the host decode agree, and both invert encode.
    tensor::Tape<float> tape(false);
    auto t = tensor::TensorT<float>::zeros(tensor::Shape{2, C, P});
    tensor::from_host(t, x);
    const auto on_tape = tensor::to_host(norm.decode(tape, tape.input(t))->value);
    norm.decode(x.data(), 2);
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_NEAR(x[i], data[i], 2e-6 * std::abs(static_cast<double>(data[i])) + 1e-6);
      EXPECT_NEAR(on_tape[i], x[i], 1e-5);  // float on the tape, double on the host: ulps of ~10
    }
  }
}

}  // namespace
}  // namespace eddyop::surrogates
