#include "postprocess/trajectory_errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace eddyop::postprocess {

using json = nlohmann::json;

namespace {

constexpr const char* kComponent = "evaluate";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean over the trajectories of entry i of each curve, NaNs left out (NaN when all are).
double mean_of(const std::vector<RolloutErrors>& each,
               const std::vector<double> RolloutErrors::*curve, std::size_t i) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const auto& e : each) {
    const double v = (e.*curve)[i];
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : kNaN;
}

json number_or_null(double v) {
  return std::isnan(v) ? json(nullptr) : json(v);
}

json crossing_json(const ThresholdCrossing& c) {
  if (!c.crossed) return {{"crossed", false}};
  return {{"crossed", true}, {"step", c.step}, {"time", c.time}};
}

json step_json(const RolloutErrors& r, const std::vector<std::string>& channels,
               const std::vector<double>& time, std::size_t t) {
  json channel = json::object();
  for (std::size_t c = 0; c < channels.size(); ++c)
    channel[channels[c]] = number_or_null(r.rel_l2_channel[t * channels.size() + c]);
  return {{"step", t},
          {"time", time[t]},
          {"rel_l2", number_or_null(r.rel_l2[t])},
          {"rel_l2_horizon", number_or_null(r.rel_l2_horizon[t])},
          {"correlation", number_or_null(r.correlation[t])},
          {"rel_l2_channel", channel}};
}

}  // namespace

TrajectoryPairs pair_trajectories(const std::string& run_path,
                                  const std::vector<long long>& run_ids, std::size_t run_count,
                                  const std::string& truth_path,
                                  const std::vector<long long>& truth_ids,
                                  std::size_t truth_count) {
  TrajectoryPairs p;
  if (run_ids.empty()) {
    for (std::size_t i = 0; i < std::min(run_count, truth_count); ++i) {
      p.run_index.push_back(i);
      p.truth_index.push_back(i);
      p.ids.push_back(static_cast<long long>(i));
    }
    return p;
  }
  for (std::size_t i = 0; i < run_ids.size() && i < run_count; ++i) {
    const long long id = run_ids[i];
    std::size_t j = 0;
    if (!truth_ids.empty()) {
      const auto it = std::find(truth_ids.begin(), truth_ids.end(), id);
      EDDYOP_CHECK_HINT(it != truth_ids.end(), kComponent,
                        "'" << run_path << "' holds a rollout of sample " << id
                            << ", which the truth '" << truth_path
                            << "' does not hold (it has samples "
                            << join(
                                   [&] {
                                     std::vector<std::string> s;
                                     for (long long t : truth_ids) s.push_back(std::to_string(t));
                                     return s;
                                   }(),
                                   ",")
                            << ")",
                        "evaluate a rollout against the dataset it was rolled out from");
      j = static_cast<std::size_t>(it - truth_ids.begin());
    } else {
      EDDYOP_CHECK_HINT(id >= 0 && static_cast<std::size_t>(id) < truth_count, kComponent,
                        "'" << run_path << "' holds a rollout of sample " << id
                            << " but the truth '" << truth_path << "' has only " << truth_count
                            << " trajectories",
                        "evaluate a rollout against the dataset it was rolled out from");
      j = static_cast<std::size_t>(id);
    }
    p.run_index.push_back(i);
    p.truth_index.push_back(j);
    p.ids.push_back(id);
  }
  return p;
}

TrajectoryErrors summarise_trajectory_errors(std::vector<RolloutErrors> each,
                                             std::vector<double> time, TrajectoryPairs pairs,
                                             std::vector<std::string> channels, double threshold) {
  EDDYOP_CHECK(!each.empty(), kComponent, "no trajectory was compared");
  const std::size_t nt = time.size(), nc = channels.size();
  for (const auto& e : each)
    EDDYOP_CHECK(e.steps == nt && e.channels == nc, kComponent,
                 "a trajectory has " << e.steps << " steps and " << e.channels
                                     << " channels, the others " << nt << " and " << nc);
  TrajectoryErrors r;
  r.channels = std::move(channels);
  r.time = std::move(time);
  r.pairs = std::move(pairs);
  r.each = std::move(each);
  RolloutErrors& m = r.mean;
  m.steps = nt;
  m.channels = nc;
  for (std::size_t t = 0; t < nt; ++t) {
    m.rel_l2.push_back(mean_of(r.each, &RolloutErrors::rel_l2, t));
    m.rel_l2_horizon.push_back(mean_of(r.each, &RolloutErrors::rel_l2_horizon, t));
    m.correlation.push_back(mean_of(r.each, &RolloutErrors::correlation, t));
    for (std::size_t c = 0; c < nc; ++c) {
      m.rel_l2_channel.push_back(mean_of(r.each, &RolloutErrors::rel_l2_channel, t * nc + c));
      m.rel_l2_horizon_channel.push_back(
          mean_of(r.each, &RolloutErrors::rel_l2_horizon_channel, t * nc + c));
      m.correlation_channel.push_back(
          mean_of(r.each, &RolloutErrors::correlation_channel, t * nc + c));
    }
    double s2 = 0.0, lo = kNaN, hi = kNaN;
    std::size_t n = 0;
    for (const auto& e : r.each) {
      const double v = e.rel_l2[t];
      if (std::isnan(v)) continue;
      s2 += (v - m.rel_l2[t]) * (v - m.rel_l2[t]);
      lo = std::isnan(lo) ? v : std::min(lo, v);
      hi = std::isnan(hi) ? v : std::max(hi, v);
      ++n;
    }
    r.rel_l2_std.push_back(n ? std::sqrt(s2 / static_cast<double>(n)) : kNaN);
    r.rel_l2_min.push_back(lo);
    r.rel_l2_max.push_back(hi);
  }
  double sum = 0.0;
  for (const auto& e : r.each) {
    r.crossing.push_back(first_crossing(r.time, e.rel_l2, threshold));
    r.crossing_horizon.push_back(first_crossing(r.time, e.rel_l2_horizon, threshold));
    if (r.crossing.back().crossed) {
      ++r.crossed;
      sum += r.crossing.back().time;
    }
  }
  r.crossing_time_mean = r.crossed ? sum / static_cast<double>(r.crossed) : kNaN;
  r.mean_crossing = first_crossing(r.time, m.rel_l2, threshold);
  r.mean_crossing_horizon = first_crossing(r.time, m.rel_l2_horizon, threshold);
  return r;
}

json errors_json(const TrajectoryErrors& e, double threshold,
                 const std::vector<long long>& error_steps) {
  const std::size_t nt = e.mean.steps;
  json at = json::array();
  for (long long st : error_steps)
    if (st >= 0 && static_cast<std::size_t>(st) < nt)
      at.push_back(step_json(e.mean, e.channels, e.time, static_cast<std::size_t>(st)));
  json each = json::array();
  for (std::size_t i = 0; i < e.each.size(); ++i)
    each.push_back({{"trajectory", e.pairs.run_index[i]},
                    {"sample", e.pairs.ids[i]},
                    {"truth_trajectory", e.pairs.truth_index[i]},
                    {"final", step_json(e.each[i], e.channels, e.time, nt - 1)},
                    {"threshold_crossing", crossing_json(e.crossing[i])},
                    {"threshold_crossing_horizon", crossing_json(e.crossing_horizon[i])}});
  return {{"steps", nt},
          {"channels", e.channels},
          {"trajectories", e.each.size()},
          {"at_steps", at},
          {"final", step_json(e.mean, e.channels, e.time, nt - 1)},
          {"final_rel_l2_std", number_or_null(e.rel_l2_std[nt - 1])},
          {"threshold", threshold},
          {"threshold_crossing", crossing_json(e.mean_crossing)},
          {"threshold_crossing_horizon", crossing_json(e.mean_crossing_horizon)},
          {"trajectories_crossed", e.crossed},
          {"crossing_time_mean", number_or_null(e.crossing_time_mean)},
          {"per_trajectory", each}};
}

void write_errors_h5(h5::Writer& out, const std::string& p, const TrajectoryErrors& e) {
  const auto nt = static_cast<std::int64_t>(e.mean.steps);
  const auto n = static_cast<std::int64_t>(e.each.size());
  const auto nc = static_cast<std::int64_t>(e.channels.size());
  auto put1 = [&](const std::string& name, const std::vector<double>& v) {
    out.write_field(name, "time", v.data(), {nt});
  };
  put1(p + "error_time", e.time);
  put1(p + "error_rel_l2", e.mean.rel_l2);
  put1(p + "error_horizon", e.mean.rel_l2_horizon);
  put1(p + "error_correlation", e.mean.correlation);
  put1(p + "error_rel_l2_std", e.rel_l2_std);
  out.write_field(p + "error_rel_l2_channel", "time,c", e.mean.rel_l2_channel.data(), {nt, nc});
  out.write_attribute(h5::field_path(p + "error_rel_l2_channel"), "channels",
                      join(e.channels, ","));
  std::vector<double> all, horizon;
  for (const auto& r : e.each) {
    all.insert(all.end(), r.rel_l2.begin(), r.rel_l2.end());
    horizon.insert(horizon.end(), r.rel_l2_horizon.begin(), r.rel_l2_horizon.end());
  }
  out.write_field(p + "error_rel_l2_trajectories", "trajectory,time", all.data(), {n, nt});
  out.write_field(p + "error_horizon_trajectories", "trajectory,time", horizon.data(), {n, nt});
  std::vector<std::string> ids;
  for (long long id : e.pairs.ids) ids.push_back(std::to_string(id));
  out.write_attribute(h5::field_path(p + "error_rel_l2_trajectories"), "samples", join(ids, ","));
  out.write_attribute(h5::field_path(p + "error_rel_l2"), "trajectories",
                      static_cast<long long>(n));
}

}  // namespace eddyop::postprocess
