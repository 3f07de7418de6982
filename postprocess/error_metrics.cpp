#include "postprocess/error_metrics.hpp"

#include <cmath>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio_sqrt(double num, double den) {
  return den > 0.0 ? std::sqrt(num / den) : kNaN;
}

// Sums over a set of values that give both relative L2 and Pearson's correlation.
struct Moments {
  double n = 0, diff2 = 0, t2 = 0, st = 0, sp = 0, stt = 0, spp = 0, stp = 0;
  void add(double t, double p) {
    n += 1;
    diff2 += (p - t) * (p - t);
    t2 += t * t;
    st += t;
    sp += p;
    stt += t * t;
    spp += p * p;
    stp += t * p;
  }
  template <class S>
  void add_sums(const S& o) {
    n += o.n;
    diff2 += o.diff2;
    t2 += o.t2;
    st += o.st;
    sp += o.sp;
    stt += o.stt;
    spp += o.spp;
    stp += o.stp;
  }
  template <class S>
  void store(S& o) const {
    o.n = n, o.diff2 = diff2, o.t2 = t2, o.st = st, o.sp = sp, o.stt = stt, o.spp = spp,
    o.stp = stp;
  }
  double correlation() const {
    const double ct = stt - st * st / n, cp = spp - sp * sp / n, ctp = stp - st * sp / n;
    return ct > 0.0 && cp > 0.0 ? ctp / std::sqrt(ct * cp) : kNaN;
  }
};

}  // namespace

RolloutErrorAccumulator::RolloutErrorAccumulator(std::size_t nc, std::size_t npoints)
    : nc_(nc), np_(npoints), horizon_(nc) {
  EDDYOP_CHECK(nc >= 1 && npoints >= 1, "metrics",
               "a rollout needs channels and points (C = " << nc << ", P = " << npoints << ")");
  r_.channels = nc;
}

void RolloutErrorAccumulator::add_step(ArrayRef truth, ArrayRef prediction) {
  check_size(truth, nc_ * np_, "metrics", "the truth of one step (C, P)");
  check_size(prediction, nc_ * np_, "metrics", "the prediction of one step (C, P)");
  Moments all;
  for (std::size_t c = 0; c < nc_; ++c) {
    Moments m;
    for (std::size_t p = 0; p < np_; ++p) m.add(truth[c * np_ + p], prediction[c * np_ + p]);
    r_.rel_l2_channel.push_back(ratio_sqrt(m.diff2, m.t2));
    r_.correlation_channel.push_back(m.correlation());
    Moments h;
    h.add_sums(horizon_[c]);
    h.add_sums(m);
    h.store(horizon_[c]);
    r_.rel_l2_horizon_channel.push_back(ratio_sqrt(h.diff2, h.t2));
    all.add_sums(m);
  }
  r_.rel_l2.push_back(ratio_sqrt(all.diff2, all.t2));
  r_.correlation.push_back(all.correlation());
  Moments h;
  h.add_sums(horizon_all_);
  h.add_sums(all);
  h.store(horizon_all_);
  r_.rel_l2_horizon.push_back(ratio_sqrt(h.diff2, h.t2));
  r_.steps += 1;
}

RolloutErrors rollout_errors(ArrayRef truth, ArrayRef prediction, std::size_t nt, std::size_t nc,
                             std::size_t npoints) {
  EDDYOP_CHECK(nt >= 1 && nc >= 1 && npoints >= 1, "metrics",
               "a rollout needs steps, channels and points (nt = " << nt << ", C = " << nc
                                                                   << ", P = " << npoints << ")");
  check_size(truth, nt * nc * npoints, "metrics", "the truth (nt, C, P)");
  check_size(prediction, nt * nc * npoints, "metrics", "the prediction (nt, C, P)");
  RolloutErrorAccumulator acc(nc, npoints);
  const std::size_t step = nc * npoints;
  for (std::size_t t = 0; t < nt; ++t)
    acc.add_step(ArrayRef(truth.data + t * step, step), ArrayRef(prediction.data + t * step, step));
  return acc.result();
}

ThresholdCrossing first_crossing(const std::vector<double>& times, const std::vector<double>& error,
                                 double threshold) {
  EDDYOP_CHECK(times.size() == error.size(), "metrics",
               "there are " << times.size() << " times but " << error.size() << " errors");
  ThresholdCrossing c;
  for (std::size_t t = 0; t < error.size(); ++t) {
    if (!(error[t] > threshold)) continue;
    c.crossed = true;
    c.step = t;
    if (t == 0) {
      c.time = times[0];
    } else {
      const double w = (threshold - error[t - 1]) / (error[t] - error[t - 1]);
      c.time = times[t - 1] + w * (times[t] - times[t - 1]);
    }
    break;
  }
  return c;
}

}  // namespace eddyop::postprocess
