#include "postprocess/evaluate.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/progress.hpp"
#include "core/provenance.hpp"
#include "core/strings.hpp"
#include "postprocess/box_evaluate.hpp"
#include "postprocess/box_source.hpp"
#include "postprocess/channel_source.hpp"
#include "postprocess/channel_stats.hpp"
#include "postprocess/dataset_kind.hpp"
#include "postprocess/error_metrics.hpp"
#include "postprocess/mkm_reference.hpp"
#include "postprocess/plot.hpp"
#include "postprocess/reference_compare.hpp"
#include "postprocess/report.hpp"
#include "postprocess/spectra.hpp"
#include "postprocess/stats_header.hpp"
#include "postprocess/trajectory_errors.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kComponent = "evaluate";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Slabs are read so that one holds at most about this many values (256 MB of doubles).
constexpr std::size_t kSlabValues = std::size_t{32} << 20;

// One spectrum direction at the chosen planes, in outer units.
struct SpectraAtPlanes {
  std::vector<double> k;          // (nk) k h
  std::vector<double> y_plus;     // (np) of the planes taken
  std::vector<double> density;    // (np, 3, nk) E / (u_τ² dk h)
  std::vector<LineSpectrum> raw;  // (np) the energies per bin, for the MKM comparison
};

struct RunEvaluation {
  std::string label, file;
  bool is_truth = false;
  double re_tau_nominal = kNaN;
  ChannelStats stats;
  SpectraAtPlanes spectra[2];  // along x, along z
  bool has_errors = false;
  TrajectoryErrors errors;  // every trajectory, and their mean
  bool has_slice = false;
  std::vector<double> slice;  // (3, nx, ny) at z index nz/2
  std::size_t slice_step = 0;
  double slice_time = 0.0, slice_z = 0.0;
  std::vector<double> slice_x, slice_y;
  std::optional<ProfileComparison> mkm;
  std::vector<SpectrumComparison> mkm_spectra;  // one per (axis, plane, component) compared
  std::string mkm_note;
  json cost;  // what the run recorded of its own cost per sampling interval; null: nothing
};

// The cost per trajectory and sampling interval that the channel solver (a DNS or an LES) and
// the rollout (a surrogate's forward passes) record in /physics; null when the file has none.
json recorded_cost(const std::string& path) {
  const h5::Reader in(path);
  const auto names = in.attribute_names(h5::kPhysicsGroup);
  const auto has = [&](const char* n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  if (!has("cost_cpu_s_per_interval")) return nullptr;
  json c = {{"cpu_s_per_interval", in.read_double(h5::kPhysicsGroup, "cost_cpu_s_per_interval")},
            {"solver", has("cost_steps")}};
  if (has("cost_wall_s_per_interval"))
    c["wall_s_per_interval"] = in.read_double(h5::kPhysicsGroup, "cost_wall_s_per_interval");
  if (has("cost_steps_per_interval"))
    c["steps_per_interval"] = in.read_double(h5::kPhysicsGroup, "cost_steps_per_interval");
  if (has("cost_batch")) c["batch"] = in.read_int(h5::kPhysicsGroup, "cost_batch");
  if (has("cost_ranks")) c["ranks"] = in.read_int(h5::kPhysicsGroup, "cost_ranks");
  return c;
}

std::string stem_of(const std::string& path) {
  return fs::path(path).stem().string();
}

// Statistics and spectra at every plane of the lower half, in one pass over the file.
void accumulate_statistics(RunEvaluation& r, const ChannelSource& src, double discard_time) {
  const RectGrid& g = src.grid();
  const std::size_t np = g.points(), ny = g.n(1);
  const std::size_t per_slab = src.samples_per_slab();
  const std::size_t slab_count =
      std::max<std::size_t>(1, kSlabValues / std::max<std::size_t>(1, 3 * np * per_slab));
  const ChannelStatsOptions opt = src.stats_options();
  const double y_wall = std::isnan(opt.y_bottom) ? g.coords[1].front() : opt.y_bottom;
  std::vector<std::size_t> planes;
  for (std::size_t j = 0; j < (ny + 1) / 2; ++j) planes.push_back(j);

  ChannelStatsAccumulator acc(g, opt);
  std::vector<LineSpectrum> sums[2];
  std::vector<double> velocity, kept;
  Progress progress("evaluate " + r.label, static_cast<long>(src.slabs()));
  for (std::size_t first = 0; first < src.slabs(); first += slab_count) {
    const std::size_t count = std::min(slab_count, src.slabs() - first);
    src.read(velocity, nullptr, first, count);
    kept.clear();
    std::size_t n = 0;
    for (std::size_t b = 0; b < count; ++b)
      for (std::size_t s = 0; s < per_slab; ++s) {
        const double t = src.sample_time(first + b, s);
        if (!std::isnan(t) && t < discard_time) continue;
        const auto begin = velocity.begin() + static_cast<long>((b * per_slab + s) * 3 * np);
        kept.insert(kept.end(), begin, begin + static_cast<long>(3 * np));
        ++n;
      }
    progress.update(static_cast<long>(first + count));
    if (n == 0) continue;
    acc.add(kept, n);
    for (int d = 0; d < 2; ++d) {
      auto spectra = line_spectra(g, kept, n, 3, d == 0 ? 0 : 2, planes, true, y_wall);
      if (sums[d].empty()) {
        sums[d] = spectra;
        for (auto& s : sums[d])
          for (auto& e : s.energy) e *= static_cast<double>(n);
      } else {
        for (std::size_t p = 0; p < spectra.size(); ++p)
          for (std::size_t i = 0; i < spectra[p].energy.size(); ++i)
            sums[d][p].energy[i] += static_cast<double>(n) * spectra[p].energy[i];
      }
    }
  }
  progress.finish();
  EDDYOP_CHECK_HINT(
      acc.samples() > 0, kComponent,
      "'" << src.path() << "': no sample is left after discard_time = " << discard_time,
      "lower evaluate.discard_time");
  r.stats = acc.result();
  for (int d = 0; d < 2; ++d)
    for (auto& s : sums[d])
      for (auto& e : s.energy) e /= static_cast<double>(acc.samples());
  r.spectra[0].raw = std::move(sums[0]);
  r.spectra[1].raw = std::move(sums[1]);
}

// Keeps the planes nearest the wanted y+ and puts them in outer units.
void select_planes(RunEvaluation& r, const std::vector<double>& y_plus) {
  const ChannelStats& st = r.stats;
  const double u2 = st.u_tau * st.u_tau;
  for (auto& sp : r.spectra) {
    std::vector<LineSpectrum> all = std::move(sp.raw);
    sp = SpectraAtPlanes{};
    if (all.empty()) continue;
    for (double k : all[0].k) sp.k.push_back(k * st.h);
    for (double target : y_plus) {
      std::size_t best = 0;
      for (std::size_t p = 1; p < all.size(); ++p)
        if (std::abs(all[p].wall_distance * st.u_tau / st.nu - target) <
            std::abs(all[best].wall_distance * st.u_tau / st.nu - target))
          best = p;
      const LineSpectrum& s = all[best];
      sp.y_plus.push_back(s.wall_distance * st.u_tau / st.nu);
      for (double e : s.energy) sp.density.push_back(e / (u2 * s.dk * st.h));
      sp.raw.push_back(s);
    }
  }
}

// Which truth trajectory each trajectory of `run` is compared with (an error when one is absent).
TrajectoryPairs channel_pairs(const ChannelSource& run, const ChannelSource& truth) {
  return pair_trajectories(run.path(), read_trajectory_ids(run.path()), run.trajectories(),
                           truth.path(), read_trajectory_ids(truth.path()), truth.trajectories());
}

// The errors of every trajectory of `run` against its truth trajectory, and their mean.
void compute_errors(RunEvaluation& r, const ChannelSource& run, const ChannelSource& truth,
                    const EvaluateOptions& o) {
  const std::size_t nt = std::min(run.steps(), truth.steps());
  if (nt == 0) return;
  const bool pressure = run.has_pressure() && truth.has_pressure();
  const std::size_t np = truth.grid().points(), nc = pressure ? 4 : 3;
  std::vector<std::string> channels = {"u", "v", "w"};
  if (pressure) channels.push_back("p");
  TrajectoryPairs pairs = channel_pairs(run, truth);
  std::vector<RolloutErrors> each;
  for (std::size_t i = 0; i < pairs.run_index.size(); ++i) {
    RolloutErrorAccumulator acc(nc, np);
    std::vector<double> tv, tp, pv, pp, t_step(nc * np), p_step(nc * np);
    const std::size_t chunk = std::max<std::size_t>(1, kSlabValues / (4 * np));
    for (std::size_t t0 = 0; t0 < nt; t0 += chunk) {
      const std::size_t n = std::min(chunk, nt - t0);
      truth.read_steps(tv, pressure ? &tp : nullptr, pairs.truth_index[i], t0, n);
      run.read_steps(pv, pressure ? &pp : nullptr, pairs.run_index[i], t0, n);
      for (std::size_t s = 0; s < n; ++s) {
        std::copy_n(tv.begin() + static_cast<long>(s * 3 * np), 3 * np, t_step.begin());
        std::copy_n(pv.begin() + static_cast<long>(s * 3 * np), 3 * np, p_step.begin());
        if (pressure) {
          std::copy_n(tp.begin() + static_cast<long>(s * np), np, t_step.begin() + 3 * np);
          std::copy_n(pp.begin() + static_cast<long>(s * np), np, p_step.begin() + 3 * np);
        }
        acc.add_step(t_step, p_step);
      }
    }
    each.push_back(acc.result());
  }
  std::vector<double> time;
  for (std::size_t t = 0; t < nt; ++t) time.push_back(truth.times()[t] - truth.times()[0]);
  r.errors = summarise_trajectory_errors(std::move(each), std::move(time), std::move(pairs),
                                         std::move(channels), o.error_threshold);
  r.has_errors = true;
}

void take_slice(RunEvaluation& r, const ChannelSource& src, const EvaluateOptions& o,
                std::size_t steps, std::size_t trajectory) {
  if (steps == 0) return;
  const long long want =
      o.slice_step < 0 ? static_cast<long long>(steps) + o.slice_step : o.slice_step;
  EDDYOP_CHECK(
      want >= 0 && want < static_cast<long long>(steps), kComponent,
      "evaluate.slice_step = " << o.slice_step << " is outside the " << steps << " steps compared");
  const RectGrid& g = src.grid();
  const std::size_t nx = g.n(0), ny = g.n(1), nz = g.n(2), k = nz / 2;
  std::vector<double> v;
  src.read_steps(v, nullptr, trajectory, static_cast<std::size_t>(want), 1);
  r.slice.resize(3 * nx * ny);
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j)
        r.slice[(c * nx + i) * ny + j] = v[((c * nx + i) * ny + j) * nz + k];
  r.slice_step = static_cast<std::size_t>(want);
  r.slice_time = src.times()[r.slice_step];
  r.slice_z = g.coords[2][k];
  r.slice_x = g.coords[0];
  r.slice_y = g.coords[1];
  r.has_slice = true;
}

void compare_mkm(RunEvaluation& r, const std::string& reference_dir) {
  if (reference_dir.empty()) {
    r.mkm_note = "MKM reference not found (set evaluate.reference_dir or EDDYOP_REFERENCE_DIR)";
    return;
  }
  try {
    r.mkm = compare_with_mkm(r.stats, read_mkm_chan180_profiles(reference_dir));
  } catch (const Error& e) {
    r.mkm_note = e.what();
    return;
  }
  const auto locations = mkm_chan180_spectrum_locations(reference_dir);
  static const char* columns[3] = {"E_uu", "E_vv", "E_ww"};
  for (int d = 0; d < 2; ++d) {
    const auto& sp = r.spectra[d];
    for (std::size_t p = 0; p < sp.raw.size(); ++p) {
      for (int loc : locations) {
        if (std::abs(loc - sp.y_plus[p]) > std::max(1.0, 0.1 * loc)) continue;
        const MkmTable table = read_mkm_chan180_spectrum(reference_dir, d == 0 ? 'x' : 'z', loc);
        for (std::size_t c = 0; c < 3; ++c) {
          try {
            r.mkm_spectra.push_back(
                compare_spectrum_with_mkm(sp.raw[p], c, r.stats, table, columns[c]));
          } catch (const Error& e) {
            spdlog::debug("evaluate: {}", e.what());
          }
        }
        break;
      }
    }
  }
}

// MKM's spectrum nearest y+ as densities: rows k, E_uu/dk, E_vv/dk, E_ww/dk; empty when none.
std::vector<double> mkm_spectrum_density(const std::string& reference_dir, char axis, double y_plus,
                                         std::size_t& nk) {
  nk = 0;
  for (int loc : mkm_chan180_spectrum_locations(reference_dir)) {
    if (std::abs(loc - y_plus) > std::max(1.0, 0.1 * loc)) continue;
    const MkmTable t = read_mkm_chan180_spectrum(reference_dir, axis, loc);
    const auto& k = t.column(axis == 'x' ? "k_x" : "k_z");
    nk = k.size();
    if (nk < 2) return {};
    const double dk = k[1] - k[0];
    std::vector<double> out(k);
    for (const char* c : {"E_uu", "E_vv", "E_ww"})
      for (double e : t.column(c)) out.push_back(e / dk);
    return out;
  }
  return {};
}

json peak(const std::vector<double>& y_plus, const std::vector<double>& f, bool minimum) {
  if (f.empty()) return nullptr;
  const auto it =
      minimum ? std::min_element(f.begin(), f.end()) : std::max_element(f.begin(), f.end());
  const auto i = static_cast<std::size_t>(it - f.begin());
  return {{"value", *it}, {"y_plus", y_plus[i]}};
}

json run_metrics(const RunEvaluation& r, const EvaluateOptions& o) {
  const ChannelStats& s = r.stats;
  json m = {{"label", r.label},
            {"file", r.file},
            {"is_truth", r.is_truth},
            {"samples", s.samples},
            {"re_tau", s.re_tau},
            {"re_tau_nominal", r.re_tau_nominal},
            {"u_tau", s.u_tau},
            {"u_bulk_plus", s.u_bulk_plus},
            {"u_centre_plus", s.u_centre_plus},
            {"cf", s.cf},
            {"u_rms_plus_peak", peak(s.y_plus, s.u_rms_plus, false)},
            {"v_rms_plus_peak", peak(s.y_plus, s.v_rms_plus, false)},
            {"w_rms_plus_peak", peak(s.y_plus, s.w_rms_plus, false)},
            {"uv_plus_min", peak(s.y_plus, s.uv_plus, true)}};
  if (!r.cost.is_null()) m["cost"] = r.cost;
  if (r.has_errors) m["errors"] = errors_json(r.errors, o.error_threshold, o.error_steps);
  if (r.mkm) {
    json q = json::object();
    for (const auto& d : r.mkm->summary)
      q[d.name] = {{"max_abs", d.max_abs},
                   {"y_plus_at_max", d.y_plus_at_max},
                   {"rms", d.rms},
                   {"max_rel", d.max_rel}};
    json spectra = json::array();
    for (const auto& sc : r.mkm_spectra)
      spectra.push_back({{"column", sc.column},
                         {"y_plus", sc.y_plus},
                         {"y_plus_reference", sc.y_plus_reference},
                         {"max_abs_log10", sc.max_abs_log10},
                         {"rms_log10", sc.rms_log10},
                         {"variance", sc.variance},
                         {"variance_reference", sc.variance_reference}});
    m["mkm"] = {{"compared", true},
                {"re_tau_reference", r.mkm->re_tau_reference},
                {"profiles", q},
                {"spectra", spectra}};
  } else {
    m["mkm"] = {{"compared", false}, {"note", r.mkm_note}};
  }
  return m;
}

void write_stats_h5(const std::string& path, const std::vector<RunEvaluation>& runs,
                    const EvaluateOptions& o, const std::string& reference_dir) {
  h5::Writer out(path, "statistics", MPI_COMM_SELF);
  write_stats_header(out, runs, "channel", o.error_threshold, o.discard_time);
  out.write_attribute(h5::kRoot, "reference_dir", reference_dir);
  const std::vector<double> targets(o.y_plus);
  out.write_field("spectrum_y_plus_target", "plane", targets.data(),
                  {static_cast<std::int64_t>(targets.size())});
  auto put = [&](const std::string& name, const std::string& axes, const std::vector<double>& v,
                 h5::Shape shape) {
    if (v.empty()) return;
    out.write_field(name, axes, v.data(), shape);
  };
  auto put1 = [&](const std::string& name, const std::string& axes, const std::vector<double>& v) {
    put(name, axes, v, {static_cast<std::int64_t>(v.size())});
  };
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunEvaluation& r = runs[i];
    const ChannelStats& s = r.stats;
    const std::string p = "r" + std::to_string(i) + "_";
    const std::pair<const char*, const std::vector<double>*> profiles[] = {
        {"y", &s.y},
        {"y_plus", &s.y_plus},
        {"u_mean", &s.u_mean},
        {"u_plus", &s.u_plus},
        {"u_rms", &s.u_rms},
        {"v_rms", &s.v_rms},
        {"w_rms", &s.w_rms},
        {"uv", &s.uv},
        {"total_stress", &s.total_stress},
        {"u_rms_plus", &s.u_rms_plus},
        {"v_rms_plus", &s.v_rms_plus},
        {"w_rms_plus", &s.w_rms_plus},
        {"uv_plus", &s.uv_plus},
        {"total_stress_plus", &s.total_stress_plus}};
    for (const auto& [name, values] : profiles) put1(p + name, "y", *values);
    for (const char* key : {"re_tau", "u_tau", "u_bulk_plus", "u_centre_plus", "cf", "nu", "h"}) {
      const double v = std::string(key) == "re_tau"          ? s.re_tau
                       : std::string(key) == "u_tau"         ? s.u_tau
                       : std::string(key) == "u_bulk_plus"   ? s.u_bulk_plus
                       : std::string(key) == "u_centre_plus" ? s.u_centre_plus
                       : std::string(key) == "cf"            ? s.cf
                       : std::string(key) == "nu"            ? s.nu
                                                             : s.h;
      out.write_attribute(h5::field_path(p + "u_plus"), key, v);
    }
    out.write_attribute(h5::field_path(p + "u_plus"), "label", r.label);
    for (int d = 0; d < 2; ++d) {
      const auto& sp = r.spectra[d];
      const std::string n = p + (d == 0 ? "spectrum_x" : "spectrum_z");
      const auto np = static_cast<std::int64_t>(sp.y_plus.size());
      put(n, "plane,c,k", sp.density, {np, 3, static_cast<std::int64_t>(sp.k.size())});
      put1(n + "_k", "k", sp.k);
      put1(n + "_y_plus", "plane", sp.y_plus);
    }
    if (r.has_errors) write_errors_h5(out, p, r.errors);
    if (r.has_slice) {
      put(p + "slice", "c,x,y", r.slice,
          {3, static_cast<std::int64_t>(r.slice_x.size()),
           static_cast<std::int64_t>(r.slice_y.size())});
      put1(p + "slice_x", "x", r.slice_x);
      put1(p + "slice_y", "y", r.slice_y);
      out.write_attribute(h5::field_path(p + "slice"), "step",
                          static_cast<long long>(r.slice_step));
      out.write_attribute(h5::field_path(p + "slice"), "time", r.slice_time);
      out.write_attribute(h5::field_path(p + "slice"), "z", r.slice_z);
    }
  }
  if (!reference_dir.empty()) {
    try {
      const MkmProfiles m = read_mkm_chan180_profiles(reference_dir);
      put1("mkm_y_plus", "y", m.y_plus);
      put1("mkm_u_plus", "y", m.u_plus);
      put1("mkm_u_rms_plus", "y", m.u_rms_plus);
      put1("mkm_v_rms_plus", "y", m.v_rms_plus);
      put1("mkm_w_rms_plus", "y", m.w_rms_plus);
      put1("mkm_uv_plus", "y", m.uv_plus);
      put1("mkm_total_stress_plus", "y", m.total_stress_plus);
      for (std::size_t p = 0; p < targets.size(); ++p)
        for (char axis : {'x', 'z'}) {
          std::size_t nk = 0;
          const auto d = mkm_spectrum_density(reference_dir, axis, targets[p], nk);
          put(std::string("mkm_spectrum_") + axis + "_p" + std::to_string(p), "column,k", d,
              {4, static_cast<std::int64_t>(nk)});
        }
    } catch (const Error& e) {
      spdlog::warn("evaluate: MKM data not stored: {}", e.what());
    }
  }
  out.write_provenance(Provenance::collect(o.seed, o.config_yaml, MPI_COMM_SELF));
  out.close();
}

}  // namespace

std::string resolve_reference_dir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::vector<fs::path> candidates;
  if (const char* r = std::getenv("EDDYOP_REFERENCE_DIR")) candidates.emplace_back(r);
  if (const char* s = std::getenv("EDDYOP_SOURCE_DIR"))
    candidates.push_back(fs::path(s) / ".." / "shared" / "reference");
#ifdef EDDYOP_POSTPROCESS_SOURCE_DIR
  candidates.push_back(fs::path(EDDYOP_POSTPROCESS_SOURCE_DIR) / ".." / ".." / "shared" /
                       "reference");
#endif
  for (const auto& c : candidates)
    if (fs::is_directory(c / "mkm1999" / "chan180")) return fs::weakly_canonical(c).string();
  return {};
}

void evaluate_files(const EvaluateOptions& o, const std::string& out_dir) {
  // Validate every input before computing anything.
  EDDYOP_CHECK_HINT(!o.files.empty() || !o.truth.empty(), kComponent, "no run files to evaluate",
                    "give evaluate.files (and evaluate.truth for rollout errors)");
  EDDYOP_CHECK_HINT(o.labels.empty() || o.labels.size() == o.files.size(), kComponent,
                    o.labels.size() << " labels for " << o.files.size() << " files",
                    "give one label per file in evaluate.labels, or none");
  EDDYOP_CHECK(o.error_threshold > 0.0, kComponent,
               "error_threshold = " << o.error_threshold << " must be positive");
  // A periodic box (NS2D, a 3-D box) has no walls: its own evaluation.
  std::vector<std::string> all = o.files;
  if (!o.truth.empty()) all.insert(all.begin(), o.truth);
  if (common_dataset_kind(all, kComponent) == DatasetKind::periodic_box) {
    evaluate_box_files(o, out_dir);
    return;
  }
  std::vector<std::unique_ptr<ChannelSource>> sources;
  std::vector<RunEvaluation> runs;
  std::unique_ptr<ChannelSource> truth;
  if (!o.truth.empty()) {
    truth = std::make_unique<ChannelSource>(o.truth);
    RunEvaluation r;
    r.label = o.truth_label;
    r.file = o.truth;
    r.cost = recorded_cost(o.truth);
    r.is_truth = true;
    runs.push_back(r);
  }
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    if (!o.truth.empty() && fs::exists(o.files[i]) &&
        fs::equivalent(fs::path(o.files[i]), fs::path(o.truth)))
      continue;  // the truth is already a run
    sources.push_back(std::make_unique<ChannelSource>(o.files[i]));
    RunEvaluation r;
    r.label = o.labels.empty() ? stem_of(o.files[i]) : o.labels[i];
    r.file = o.files[i];
    r.cost = recorded_cost(o.files[i]);
    runs.push_back(r);
    if (truth) {
      truth->expect_same_grid(*sources.back());
      EDDYOP_CHECK_HINT(sources.back()->time_axis() >= 0 && truth->time_axis() >= 0, kComponent,
                        "'" << o.files[i] << "' or the truth '" << o.truth
                            << "' has no time axis, so no rollout error can be taken",
                        "name a leading axis 'time' in the fields' axes attribute");
      EDDYOP_CHECK(o.trajectory < sources.back()->trajectories(), kComponent,
                   "evaluate.trajectory = " << o.trajectory << " but '" << o.files[i] << "' has "
                                            << sources.back()->trajectories() << " trajectories");
      EDDYOP_CHECK_HINT(
          !channel_pairs(*sources.back(), *truth).run_index.empty(), kComponent,
          "'" << o.files[i] << "' and the truth '" << o.truth << "' have no trajectory in common",
          "evaluate a rollout against the dataset it was rolled out from");
    }
  }
  const std::string reference_dir = resolve_reference_dir(o.reference_dir);
  const bool have_reference =
      !reference_dir.empty() && fs::is_directory(fs::path(reference_dir) / "mkm1999" / "chan180");
  fs::create_directories(out_dir);

  std::size_t next = 0;
  for (auto& r : runs) {
    const ChannelSource& src = r.is_truth ? *truth : *sources[next++];
    spdlog::info("evaluate: {} ({}): {} samples on {} x {} x {}", r.label, r.file, src.samples(),
                 src.grid().n(0), src.grid().n(1), src.grid().n(2));
    r.re_tau_nominal = src.re_tau_nominal();
    accumulate_statistics(r, src, o.discard_time);
    select_planes(r, o.y_plus);
    if (truth) {
      const std::size_t steps = std::min(src.steps(), truth->steps());
      if (!r.is_truth) compute_errors(r, src, *truth, o);
      if (!r.is_truth) take_slice(r, src, o, steps, o.trajectory);
    } else if (src.time_axis() >= 0 && (src.trajectories() > o.trajectory)) {
      try {
        take_slice(r, src, o, src.steps(), o.trajectory);
      } catch (const Error& e) {
        spdlog::debug("evaluate: no slice of {}: {}", r.label, e.what());
      }
    }
    compare_mkm(r, have_reference ? reference_dir : std::string());
  }
  // The truth's slice at the step the predictions use, of the trajectory the first compares with.
  if (truth) {
    std::size_t steps = truth->steps();
    for (const auto& s : sources) steps = std::min(steps, s->steps());
    std::size_t trajectory = o.trajectory;
    if (!sources.empty()) {
      const TrajectoryPairs pairs = channel_pairs(*sources[0], *truth);
      for (std::size_t i = 0; i < pairs.run_index.size(); ++i)
        if (pairs.run_index[i] == o.trajectory) trajectory = pairs.truth_index[i];
    }
    take_slice(runs[0], *truth, o, steps, trajectory);
  }

  const std::string stats = (fs::path(out_dir) / "stats.h5").string();
  write_stats_h5(stats, runs, o, have_reference ? reference_dir : std::string());
  json metrics = {{"kind", "channel"},
                  {"runs", json::array()},
                  {"truth", truth ? o.truth_label : std::string()},
                  {"reference_dir", have_reference ? reference_dir : std::string()},
                  {"y_plus", o.y_plus},
                  {"discard_time", o.discard_time},
                  {"error_threshold", o.error_threshold},
                  {"notes", json::array()}};
  if (!have_reference)
    metrics["notes"].push_back(
        "The MKM reference (mkm1999/chan180) was not found" +
        (o.reference_dir.empty() ? std::string(" (evaluate.reference_dir, $EDDYOP_REFERENCE_DIR)")
                                 : " in '" + o.reference_dir + "'") +
        ", so the runs are not compared with it.");
  if (!truth)
    metrics["notes"].push_back("No truth (evaluate.truth) was given, so no rollout errors.");
  for (const auto& r : runs) metrics["runs"].push_back(run_metrics(r, o));
  finish_evaluation(metrics.dump(2) + "\n", stats, out_dir, o.plots);
}

}  // namespace eddyop::postprocess
