#include "postprocess/box_evaluate.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/writer.hpp"
#include "core/progress.hpp"
#include "core/provenance.hpp"
#include "core/strings.hpp"
#include "postprocess/box_source.hpp"
#include "postprocess/plot.hpp"
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

// One shell spectrum of a run, averaged over its samples.
struct BoxSpectrum {
  std::string name;      // "vorticity", "energy", ...
  std::string quantity;  // what Σ E is, in words
  std::vector<double> k, energy;
  std::vector<std::size_t> modes;
  double total = 0.0;  // Σ_b E(k_b)
};

// What a spectrum is taken of: channels [first, first + count), or the energy from a 2-D vorticity.
struct SpectrumPlan {
  std::string name, quantity;
  std::size_t first = 0, count = 1;
  bool from_vorticity = false;
};

struct BoxRun {
  std::string label, file;
  bool is_truth = false;
  std::size_t samples = 0;
  std::vector<double> mean, rms;  // (C) over the samples kept
  std::vector<BoxSpectrum> spectra;
  bool has_errors = false;
  TrajectoryErrors errors;
  bool has_slice = false;
  std::vector<double> slice;  // (C, nx, ny): the x-y plane (z index nz/2 in 3-D)
  std::size_t slice_step = 0, slice_trajectory = 0;
  double slice_time = 0.0;
};

std::string stem_of(const std::string& path) {
  return fs::path(path).stem().string();
}

bool is_vorticity_name(const std::string& n) {
  return n == "vorticity" || n == "omega" || n == "vort";
}

std::vector<SpectrumPlan> plan_spectra(const BoxSource& src) {
  std::vector<SpectrumPlan> plans;
  bool energy = false;
  for (const auto& f : src.fields()) {
    const bool velocity = f.name == "velocity" && f.count >= 2;
    plans.push_back({f.name,
                     velocity ? "u'·u' (twice the kinetic energy per unit mass)"
                              : "the variance of " + f.name + (f.count > 1 ? " (summed)" : ""),
                     f.first, f.count, false});
    energy = energy || velocity;
  }
  // u, v (, w) as separate fields: their energy spectrum.
  const std::size_t iu = src.channel_index("u"), iv = src.channel_index("v"),
                    iw = src.channel_index("w");
  const std::size_t none = static_cast<std::size_t>(-1);
  const std::size_t need = static_cast<std::size_t>(src.dimension());
  if (!energy && iu != none && iv == iu + 1 && (need < 3 || iw == iu + 2)) {
    plans.push_back({"energy", "u'·u' (twice the kinetic energy per unit mass)", iu,
                     need < 3 ? std::size_t{2} : std::size_t{3}, false});
    energy = true;
  }
  // A 2-D vorticity: the energy of the velocity it induces.
  if (!energy && src.dimension() == 2)
    for (const auto& f : src.fields())
      if (is_vorticity_name(f.name) && f.count == 1) {
        plans.push_back({"energy",
                         "u'·u' of the velocity induced by " + f.name +
                             " (twice the kinetic energy per unit mass)",
                         f.first, 1, true});
        break;
      }
  return plans;
}

// Statistics and spectra over every sample at or after discard_time.
void accumulate(BoxRun& r, const BoxSource& src, double discard_time) {
  const RectGrid& g = src.grid();
  const std::size_t np = g.points(), nc = src.channels().size();
  const auto plans = plan_spectra(src);
  std::vector<double> sum(nc, 0.0), sum2(nc, 0.0);
  std::vector<BoxSpectrum> acc(plans.size());
  std::vector<double> traj, kept, part;
  Progress progress("evaluate " + r.label, static_cast<long>(src.trajectories()));
  for (std::size_t tr = 0; tr < src.trajectories(); ++tr) {
    src.read_steps(traj, tr, 0, src.steps());
    kept.clear();
    std::size_t n = 0;
    for (std::size_t s = 0; s < src.steps(); ++s) {
      if (src.has_time_axis() && src.times()[s] < discard_time) continue;
      const auto begin = traj.begin() + static_cast<long>(s * nc * np);
      kept.insert(kept.end(), begin, begin + static_cast<long>(nc * np));
      ++n;
    }
    progress.update(static_cast<long>(tr + 1));
    if (n == 0) continue;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t p = 0; p < np; ++p) {
          const double v = kept[(s * nc + c) * np + p];
          sum[c] += v;
          sum2[c] += v * v;
        }
    for (std::size_t i = 0; i < plans.size(); ++i) {
      const SpectrumPlan& pl = plans[i];
      part.resize(n * pl.count * np);
      for (std::size_t s = 0; s < n; ++s)
        std::copy_n(kept.begin() + static_cast<long>((s * nc + pl.first) * np), pl.count * np,
                    part.begin() + static_cast<long>(s * pl.count * np));
      const ShellSpectrum sp = pl.from_vorticity ? shell_energy_from_vorticity(g, part, n)
                                                 : shell_spectrum(g, part, n, pl.count);
      BoxSpectrum& a = acc[i];
      if (a.k.empty()) {
        a.name = pl.name;
        a.quantity = pl.quantity;
        a.k = sp.k;
        a.modes = sp.modes;
        a.energy.assign(sp.energy.size(), 0.0);
      }
      for (std::size_t b = 0; b < sp.energy.size(); ++b)
        a.energy[b] += static_cast<double>(n) * sp.energy[b];
    }
    r.samples += n;
  }
  progress.finish();
  EDDYOP_CHECK_HINT(
      r.samples > 0, kComponent,
      "'" << src.path() << "': no sample is left after discard_time = " << discard_time,
      "lower evaluate.discard_time");
  const double total = static_cast<double>(r.samples * np);
  for (std::size_t c = 0; c < nc; ++c) {
    r.mean.push_back(sum[c] / total);
    r.rms.push_back(std::sqrt(std::max(0.0, sum2[c] / total - r.mean[c] * r.mean[c])));
  }
  for (auto& a : acc) {
    for (auto& e : a.energy) e /= static_cast<double>(r.samples);
    for (double e : a.energy) a.total += e;
    r.spectra.push_back(std::move(a));
  }
}

// Errors of every trajectory of `run` against its truth trajectory, on the run's channels.
void compute_errors(BoxRun& r, const BoxSource& run, const BoxSource& truth,
                    const EvaluateOptions& o) {
  const std::size_t nt = std::min(run.steps(), truth.steps());
  const std::size_t np = run.grid().points(), nc = run.channels().size();
  const std::size_t tc = truth.channels().size();
  std::vector<std::size_t> map;  // run channel -> truth channel
  for (const auto& c : run.channels()) map.push_back(truth.channel_index(c));
  TrajectoryPairs pairs =
      pair_trajectories(run.path(), run.trajectory_ids(), run.trajectories(), truth.path(),
                        truth.trajectory_ids(), truth.trajectories());
  std::vector<RolloutErrors> each;
  std::vector<double> pv, tv, t_step(nc * np);
  for (std::size_t i = 0; i < pairs.run_index.size(); ++i) {
    run.read_steps(pv, pairs.run_index[i], 0, nt);
    truth.read_steps(tv, pairs.truth_index[i], 0, nt);
    RolloutErrorAccumulator acc(nc, np);
    for (std::size_t t = 0; t < nt; ++t) {
      for (std::size_t c = 0; c < nc; ++c)
        std::copy_n(tv.begin() + static_cast<long>((t * tc + map[c]) * np), np,
                    t_step.begin() + static_cast<long>(c * np));
      acc.add_step(t_step, ArrayRef(pv.data() + t * nc * np, nc * np));
    }
    each.push_back(acc.result());
  }
  std::vector<double> time;
  for (std::size_t t = 0; t < nt; ++t) time.push_back(truth.times()[t] - truth.times()[0]);
  r.errors = summarise_trajectory_errors(std::move(each), std::move(time), std::move(pairs),
                                         run.channels(), o.error_threshold);
  r.has_errors = true;
}

// The x-y plane (z index nz/2) of every channel at one step of one trajectory; none in 1-D.
void take_slice(BoxRun& r, const BoxSource& src, const EvaluateOptions& o, std::size_t steps,
                std::size_t trajectory) {
  if (src.dimension() < 2 || steps == 0) return;
  const long long want =
      o.slice_step < 0 ? static_cast<long long>(steps) + o.slice_step : o.slice_step;
  EDDYOP_CHECK(
      want >= 0 && want < static_cast<long long>(steps), kComponent,
      "evaluate.slice_step = " << o.slice_step << " is outside the " << steps << " steps compared");
  EDDYOP_CHECK(trajectory < src.trajectories(), kComponent,
               "evaluate.trajectory = " << trajectory << " but '" << src.path() << "' has "
                                        << src.trajectories() << " trajectories");
  const RectGrid& g = src.grid();
  const std::size_t nx = g.n(0), ny = g.n(1), nz = g.n(2), k = nz / 2;
  const std::size_t nc = src.channels().size();
  std::vector<double> v;
  src.read_steps(v, trajectory, static_cast<std::size_t>(want), 1);
  r.slice.resize(nc * nx * ny);
  for (std::size_t c = 0; c < nc; ++c)
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j)
        r.slice[(c * nx + i) * ny + j] = v[((c * nx + i) * ny + j) * nz + k];
  r.slice_step = static_cast<std::size_t>(want);
  r.slice_trajectory = trajectory;
  r.slice_time = src.times()[r.slice_step];
  r.has_slice = true;
}

json run_metrics(const BoxRun& r, const BoxSource& src, const EvaluateOptions& o) {
  const RectGrid& g = src.grid();
  json mean = json::object(), rms = json::object();
  for (std::size_t c = 0; c < src.channels().size(); ++c) {
    mean[src.channels()[c]] = r.mean[c];
    rms[src.channels()[c]] = r.rms[c];
  }
  json spectra = json::array();
  for (const auto& s : r.spectra) {
    std::size_t peak = s.energy.size() > 1 ? 1 : 0;
    for (std::size_t b = 1; b < s.energy.size(); ++b)
      if (s.energy[b] > s.energy[peak]) peak = b;
    spectra.push_back({{"name", s.name},
                       {"quantity", s.quantity},
                       {"total", s.total},
                       {"k_peak", s.k.empty() ? kNaN : s.k[peak]},
                       {"dk", s.k.size() > 1 ? s.k[1] : kNaN}});
  }
  json m = {{"label", r.label},
            {"file", r.file},
            {"is_truth", r.is_truth},
            {"kind", "periodic_box"},
            {"dimension", src.dimension()},
            {"grid",
             {{"axes", src.spatial_axes()},
              {"n", {g.n(0), g.n(1), g.n(2)}},
              {"period", {g.period[0], g.period[1], g.period[2]}}}},
            {"trajectories", src.trajectories()},
            {"steps", src.steps()},
            {"samples", r.samples},
            {"channels", src.channels()},
            {"mean", mean},
            {"rms", rms},
            {"spectra", spectra}};
  if (r.has_errors) m["errors"] = errors_json(r.errors, o.error_threshold, o.error_steps);
  return m;
}

void write_stats_h5(const std::string& path, const std::vector<BoxRun>& runs,
                    const std::vector<const BoxSource*>& sources, const EvaluateOptions& o) {
  h5::Writer out(path, "statistics", MPI_COMM_SELF);
  write_stats_header(out, runs, "periodic_box", o.error_threshold, o.discard_time);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const BoxRun& r = runs[i];
    const BoxSource& src = *sources[i];
    const std::string p = "r" + std::to_string(i) + "_";
    std::vector<std::string> names;
    for (const auto& s : r.spectra) {
      const auto nb = static_cast<std::int64_t>(s.k.size());
      out.write_field(p + "shell_" + s.name, "k", s.energy.data(), {nb});
      out.write_field(p + "shell_" + s.name + "_k", "k", s.k.data(), {nb});
      out.write_attribute(h5::field_path(p + "shell_" + s.name), "quantity", s.quantity);
      out.write_attribute(h5::field_path(p + "shell_" + s.name), "total", s.total);
      names.push_back(s.name);
    }
    out.write_attribute(h5::kRoot, p + "spectra", join(names, ","));
    out.write_attribute(h5::kRoot, p + "channels", join(src.channels(), ","));
    if (r.has_errors) write_errors_h5(out, p, r.errors);
    if (r.has_slice) {
      const RectGrid& g = src.grid();
      const auto nx = static_cast<std::int64_t>(g.n(0)), ny = static_cast<std::int64_t>(g.n(1));
      const auto nc = static_cast<std::int64_t>(src.channels().size());
      out.write_field(p + "slice", "c,x,y", r.slice.data(), {nc, nx, ny});
      out.write_field(p + "slice_x", "x", g.coords[0].data(), {nx});
      out.write_field(p + "slice_y", "y", g.coords[1].data(), {ny});
      const std::string sp = h5::field_path(p + "slice");
      out.write_attribute(sp, "step", static_cast<long long>(r.slice_step));
      out.write_attribute(sp, "trajectory", static_cast<long long>(r.slice_trajectory));
      out.write_attribute(sp, "time", r.slice_time);
      out.write_attribute(sp, "z", g.coords[2][g.n(2) / 2]);
      out.write_attribute(sp, "channels", join(src.channels(), ","));
    }
  }
  out.write_provenance(Provenance::collect(o.seed, o.config_yaml, MPI_COMM_SELF));
  out.close();
}

}  // namespace

void evaluate_box_files(const EvaluateOptions& o, const std::string& out_dir) {
  // Validate every input before computing anything.
  std::unique_ptr<BoxSource> truth;
  std::vector<std::unique_ptr<BoxSource>> sources;  // in the order of `runs`
  std::vector<BoxRun> runs;
  if (!o.truth.empty()) {
    truth = std::make_unique<BoxSource>(o.truth);
    BoxRun r;
    r.label = o.truth_label;
    r.file = o.truth;
    r.is_truth = true;
    runs.push_back(r);
  }
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    if (!o.truth.empty() && fs::exists(o.files[i]) &&
        fs::equivalent(fs::path(o.files[i]), fs::path(o.truth)))
      continue;  // the truth is already a run
    sources.push_back(std::make_unique<BoxSource>(o.files[i]));
    const BoxSource& s = *sources.back();
    BoxRun r;
    r.label = o.labels.empty() ? stem_of(o.files[i]) : o.labels[i];
    r.file = o.files[i];
    runs.push_back(r);
    if (!truth) continue;
    truth->expect_same_grid(s);
    for (const auto& c : s.channels())
      EDDYOP_CHECK_HINT(truth->channel_index(c) != static_cast<std::size_t>(-1), kComponent,
                        "the truth '"
                            << o.truth << "' has no field '" << c << "', which '" << o.files[i]
                            << "' has; the truth's fields are: " << join(truth->channels()),
                        "compare a rollout with the dataset of the same fields");
    EDDYOP_CHECK_HINT(
        !pair_trajectories(s.path(), s.trajectory_ids(), s.trajectories(), truth->path(),
                           truth->trajectory_ids(), truth->trajectories())
             .run_index.empty(),
        kComponent,
        "'" << o.files[i] << "' and the truth '" << o.truth << "' have no trajectory in common",
        "evaluate a rollout against the dataset it was rolled out from");
    EDDYOP_CHECK(o.trajectory < s.trajectories(), kComponent,
                 "evaluate.trajectory = " << o.trajectory << " but '" << o.files[i] << "' has "
                                          << s.trajectories() << " trajectories");
  }
  fs::create_directories(out_dir);

  std::vector<const BoxSource*> order;
  std::size_t next = 0;
  for (auto& r : runs) {
    const BoxSource& src = r.is_truth ? *truth : *sources[next++];
    order.push_back(&src);
    const RectGrid& g = src.grid();
    spdlog::info(
        "evaluate: {} ({}): periodic box {} x {} x {}, {} trajectories of {} steps, "
        "fields {}",
        r.label, r.file, g.n(0), g.n(1), g.n(2), src.trajectories(), src.steps(),
        join(src.channels()));
    accumulate(r, src, o.discard_time);
    if (truth && !r.is_truth) {
      compute_errors(r, src, *truth, o);
      take_slice(r, src, o, std::min(src.steps(), truth->steps()), o.trajectory);
    } else if (!truth) {
      take_slice(r, src, o, src.steps(), std::min(o.trajectory, src.trajectories() - 1));
    }
  }
  // The truth's slice at the step the predictions use, of the trajectory the first compares with.
  if (truth) {
    std::size_t steps = truth->steps(), trajectory = o.trajectory;
    for (const auto& s : sources) steps = std::min(steps, s->steps());
    if (!sources.empty()) {
      const TrajectoryPairs pairs = pair_trajectories(
          sources[0]->path(), sources[0]->trajectory_ids(), sources[0]->trajectories(),
          truth->path(), truth->trajectory_ids(), truth->trajectories());
      for (std::size_t i = 0; i < pairs.run_index.size(); ++i)
        if (pairs.run_index[i] == o.trajectory) trajectory = pairs.truth_index[i];
    }
    take_slice(runs[0], *truth, o, steps, std::min(trajectory, truth->trajectories() - 1));
  }

  const std::string stats = (fs::path(out_dir) / "stats.h5").string();
  write_stats_h5(stats, runs, order, o);
  json metrics = {{"kind", "periodic_box"},
                  {"runs", json::array()},
                  {"truth", truth ? o.truth_label : std::string()},
                  {"discard_time", o.discard_time},
                  {"error_threshold", o.error_threshold},
                  {"notes", json::array()}};
  metrics["notes"].push_back(
      "Shell spectra: E(k_b) sums the one-sided |û(k)|² of the modes with round(|k|/dk) = b, so "
      "that Σ_b E(k_b) is the variance of the field (Parseval); see docs/postprocess.md.");
  if (!truth)
    metrics["notes"].push_back("No truth (evaluate.truth) was given, so no rollout errors.");
  for (std::size_t i = 0; i < runs.size(); ++i)
    metrics["runs"].push_back(run_metrics(runs[i], *order[i], o));
  finish_evaluation(metrics.dump(2) + "\n", stats, out_dir, o.plots);
}

}  // namespace eddyop::postprocess
