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
struct Sums {
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
  void add(const Sums& o) {
    n += o.n;
    diff2 += o.diff2;
    t2 += o.t2;
    st += o.st;
    sp += o.sp;
    stt += o.stt;
    spp += o.spp;
    stp += o.stp;
  }
  double correlation() const {
    const double ct = stt - st * st / n, cp = spp - sp * sp / n, ctp = stp - st * sp / n;
    return ct > 0.0 && cp > 0.0 ? ctp / std::sqrt(ct * cp) : kNaN;
  }
};

}  // namespace

RolloutErrors rollout_errors(ArrayRef truth, ArrayRef prediction, std::size_t nt, std::size_t nc,
                             std::size_t npoints) {
  EDDYOP_CHECK(nt >= 1 && nc >= 1 && npoints >= 1, "metrics",
               "a rollout needs steps, channels and points (nt = " << nt << ", C = " << nc
                                                                   << ", P = " << npoints << ")");
  check_size(truth, nt * nc * npoints, "metrics", "the truth (nt, C, P)");
  check_size(prediction, nt * nc * npoints, "metrics", "the prediction (nt, C, P)");

  RolloutErrors r;
  r.steps = nt;
  r.channels = nc;
  std::vector<Sums> horizon(nc);
  Sums horizon_all;
  for (std::size_t t = 0; t < nt; ++t) {
    Sums all;
    for (std::size_t c = 0; c < nc; ++c) {
      Sums s;
      const std::size_t base = (t * nc + c) * npoints;
      for (std::size_t p = 0; p < npoints; ++p) s.add(truth[base + p], prediction[base + p]);
      r.rel_l2_channel.push_back(ratio_sqrt(s.diff2, s.t2));
      r.correlation_channel.push_back(s.correlation());
      horizon[c].add(s);
      r.rel_l2_horizon_channel.push_back(ratio_sqrt(horizon[c].diff2, horizon[c].t2));
      all.add(s);
    }
    r.rel_l2.push_back(ratio_sqrt(all.diff2, all.t2));
    r.correlation.push_back(all.correlation());
    horizon_all.add(all);
    r.rel_l2_horizon.push_back(ratio_sqrt(horizon_all.diff2, horizon_all.t2));
  }
  return r;
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
