// Gaussian normalisers, fitted on the training split and stored in the checkpoint:
//
//   channel    one mean and std per channel, over samples, times and points
//   pointwise  one mean and std per channel and grid point, over samples and times (the FNO
//              reference's UnitGaussianNormalizer)
//
// x_n = (x - mean) / (std + eps) with eps = 1e-5 and std the unbiased (n - 1) estimate, as the FNO
// reference (torch.std, eps added to std). Inputs are encoded on the host as batches are read;
// model outputs are decoded on the tape (decode() is an op), so that the loss is taken in
// physical units, as in the FNO and IFactFormer scripts.
#pragma once

#include <string>
#include <vector>

#include "core/tensor/tape.hpp"

namespace eddyop::surrogates {

using tensor::Index;

enum class NormaliserKind { none, channel, pointwise };
NormaliserKind parse_normaliser(const std::string& name);
const char* normaliser_name(NormaliserKind kind);

class Normaliser {
 public:
  static constexpr double kEps = 1e-5;

  Normaliser() = default;
  // Statistics of `channels` channels on `points` grid points each, to be fitted with add().
  Normaliser(NormaliserKind kind, Index channels, Index points);
  // From stored statistics (a checkpoint): mean and std of shape (channels, points or 1).
  Normaliser(NormaliserKind kind, Index channels, Index points, std::vector<double> mean,
             std::vector<double> std);

  // Accumulates `count` snapshots (count, channels, points) into the statistics.
  void add(const float* snapshots /* (count, channels, points) */, Index count);
  // Turns the sums into mean and std; call once after the last add().
  void finish();

  // x (B, reps * channels, points) in place: every group of `channels` channels (a step of an
  // input window) is normalised with the same statistics.
  void encode(float* x /* (B, reps * channels, points) */, Index batch, Index reps) const;
  // y (B, channels, S...) in physical units from normalised y: y (std + eps) + mean, on the tape.
  tensor::Var<float> decode(tensor::Tape<float>& tape, const tensor::Var<float>& y) const;
  // The same on the host, in place.
  void decode(float* y /* (B, channels, points) */, Index batch) const;

  NormaliserKind kind() const { return kind_; }
  Index channels() const { return channels_; }
  Index points() const { return points_; }
  Index stat_points() const { return kind_ == NormaliserKind::pointwise ? points_ : 1; }
  const std::vector<double>& mean() const { return mean_; }  // (channels, stat_points)
  const std::vector<double>& std() const { return std_; }    // (channels, stat_points)

 private:
  NormaliserKind kind_ = NormaliserKind::none;
  Index channels_ = 0, points_ = 0;
  std::vector<double> mean_, std_;        // sums and sums of squares until finish()
  std::vector<double> count_;             // per statistic
  tensor::TensorT<float> scale_, shift_;  // (channels, stat_points): std + eps, mean
};

}  // namespace eddyop::surrogates
