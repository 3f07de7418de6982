#include "postprocess/solver_stats.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/provenance.hpp"
#include "core/strings.hpp"
#include "postprocess/plot.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "stats";

// What the solver writes (solvers/channel/statistics.cpp), in the order of its moments.
const char* const kProfiles[] = {"mean_u", "mean_v", "mean_w", "mean_p", "uu",
                                 "vv",     "ww",     "uv",     "uw",     "vw"};

// The targets of the channel validation: U_b+ and the u_rms+ peak relative to MKM.
constexpr double kBulkTarget = 0.03, kRmsPeakTarget = 0.10;

std::string label_for(const std::string& file) {
  const fs::path p(file);
  if (p.stem() != "statistics") return p.stem().string();
  // runs/NAME/data/statistics.h5: the run's folder names it.
  for (fs::path d = fs::absolute(p).parent_path(); !d.empty() && d != d.root_path();
       d = d.parent_path())
    if (d.filename() != "data") return d.filename().string();
  return p.stem().string();
}

std::string fmt(double v, int digits = 4) {
  if (!std::isfinite(v)) return "—";
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string percent(double ours, double reference, double target) {
  const double rel = (ours - reference) / reference;
  return (rel >= 0 ? "+" : "") + fixed(100 * rel, 2) + " % (" +
         (std::abs(rel) <= target ? "within " : "outside ") + fixed(100 * target, 0) + " %)";
}

const QuantityDifference* find_difference(const ProfileComparison& c, const std::string& name) {
  for (const auto& d : c.summary)
    if (d.name == name) return &d;
  return nullptr;
}

void fill_extrema(ChannelSummary& s, const std::vector<double>& y_over_h,
                  const std::vector<double>& y_plus, const std::vector<double>& u_rms_plus,
                  const std::vector<double>& v_rms_plus, const std::vector<double>& w_rms_plus,
                  const std::vector<double>& uv_plus, const std::vector<double>& total_plus) {
  s.u_rms_peak = profile_peak(y_plus, u_rms_plus);
  s.v_rms_peak = profile_peak(y_plus, v_rms_plus);
  s.w_rms_peak = profile_peak(y_plus, w_rms_plus);
  std::vector<double> minus_uv(uv_plus.size());
  for (std::size_t j = 0; j < uv_plus.size(); ++j) minus_uv[j] = -uv_plus[j];
  s.uv_min = profile_peak(y_plus, minus_uv);
  s.uv_min.value = -s.uv_min.value;
  // At equilibrium the total stress falls linearly from τ_w at the wall to 0 at the centre.
  s.total_stress_deviation = {};
  for (std::size_t j = 0; j < total_plus.size(); ++j) {
    const double d = std::abs(total_plus[j] - (1.0 - y_over_h[j]));
    if (d > s.total_stress_deviation.value) s.total_stress_deviation = {d, y_plus[j]};
  }
}

}  // namespace

std::vector<double> faces_from_centres(const std::vector<double>& y, double ly,
                                       const std::string& file) {
  const std::size_t n = y.size();
  std::vector<double> f(n + 1, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    f[j + 1] = 2.0 * y[j] - f[j];
    EDDYOP_CHECK_HINT(f[j + 1] > f[j], kComponent,
                      "'" << file << "': the y coordinate is not the cell centres of a grid from "
                          << "the wall y = 0: centre " << j << " (y = " << y[j]
                          << ") leaves its cell a width " << f[j + 1] - f[j],
                      "give the statistics.h5 that eddyop generate writes beside its dataset");
  }
  EDDYOP_CHECK_HINT(std::abs(f[n] - ly) <= 1e-9 * ly, kComponent,
                    "'" << file << "': the cells whose centres are the y coordinate end at y = "
                        << f[n] << ", not at the upper wall ly = " << ly,
                    "give the statistics.h5 that eddyop generate writes beside its dataset");
  f[n] = ly;
  return f;
}

SolverStatistics read_solver_statistics(const std::string& path) {
  const std::string hint =
      "give the statistics.h5 that eddyop generate writes beside a channel "
      "dataset (data/statistics.h5)";
  EDDYOP_CHECK_HINT(fs::is_regular_file(path), kComponent, "no file '" << path << "'", hint);
  const h5::Reader in(path);
  EDDYOP_CHECK_HINT(in.kind() == "statistics", kComponent,
                    "'" << path << "' is a '" << in.kind()
                        << "' file, not the running statistics of the channel solver",
                    hint);
  const auto root = in.attribute_names(h5::kRoot);
  EDDYOP_CHECK_HINT(std::find(root.begin(), root.end(), "runs") == root.end(), kComponent,
                    "'" << path
                        << "' is a comparison of runs (the stats.h5 of eddyop evaluate or the "
                           "stats-comparison.h5 of eddyop stats: it has the attribute 'runs'), "
                           "not the running statistics of the channel solver",
                    hint);
  std::vector<std::string> missing;
  for (const char* name : kProfiles)
    if (!in.has_field(name)) missing.push_back(name);
  EDDYOP_CHECK_HINT(missing.empty(), kComponent,
                    "'" << path << "' is not a solver statistics file: it lacks the field(s) "
                        << join(missing, ", ") << " (it has " << join(in.fields(), ", ") << ")",
                    hint);
  const auto coords = in.coordinates();
  EDDYOP_CHECK_HINT(std::find(coords.begin(), coords.end(), "y") != coords.end(), kComponent,
                    "'" << path << "' lacks the y coordinate (/grid/y)", hint);
  const auto physics = in.attribute_names(h5::kPhysicsGroup);
  auto has = [&](const char* a) {
    return std::find(physics.begin(), physics.end(), a) != physics.end();
  };
  for (const char* a : {"nu", "ly", "statistics_samples"})
    EDDYOP_CHECK_HINT(has(a), kComponent,
                      "'" << path << "' lacks the attribute /physics/" << a
                          << " (it has: " << join(physics, ", ") << ")",
                      hint);

  SolverStatistics s;
  s.file = path;
  s.label = label_for(path);
  s.nu = in.read_double(h5::kPhysicsGroup, "nu");
  s.ly = in.read_double(h5::kPhysicsGroup, "ly");
  s.samples = in.read_int(h5::kPhysicsGroup, "statistics_samples");
  if (has("Re_tau")) s.re_tau_nominal = in.read_double(h5::kPhysicsGroup, "Re_tau");
  if (has("Re_tau_measured"))
    s.re_tau_solver = in.read_double(h5::kPhysicsGroup, "Re_tau_measured");
  if (has("sgs_model")) s.sgs_model = in.read_string(h5::kPhysicsGroup, "sgs_model");
  if (has("forcing")) s.forcing = in.read_string(h5::kPhysicsGroup, "forcing");
  EDDYOP_CHECK(s.nu > 0.0 && s.ly > 0.0, kComponent,
               "'" << path << "': nu = " << s.nu << " and ly = " << s.ly << " must be positive");
  EDDYOP_CHECK_HINT(
      s.samples > 0, kComponent,
      "'" << path << "' holds no samples (/physics/statistics_samples = " << s.samples << ")",
      "the run ended before channel.stats_start; run longer or lower stats_start");

  ChannelMoments& m = s.moments;
  m.y = in.read_coordinate("y");
  const std::size_t n = m.y.size();
  EDDYOP_CHECK(n >= 3, kComponent, "'" << path << "' has " << n << " y values; at least 3 needed");
  std::vector<double> p(n);
  std::vector<double>* into[] = {&m.u,  &m.v,  &m.w,  &p,      &m.uu,
                                 &m.vv, &m.ww, &m.uv, nullptr, nullptr};
  for (std::size_t q = 0; q < std::size(kProfiles); ++q) {
    in.expect_field(kProfiles[q], {static_cast<std::int64_t>(n)});
    std::vector<double> values;
    in.read_field(values, kProfiles[q], h5::Convert::kYes);
    for (double v : values)
      EDDYOP_CHECK(std::isfinite(v), kComponent,
                   "'" << path << "': /fields/" << kProfiles[q] << " holds " << v);
    if (into[q]) *into[q] = std::move(values);
  }
  faces_from_centres(m.y, s.ly, path);  // the cell layout, checked before anything is computed
  return s;
}

std::vector<SolverStatistics> read_solver_statistics_files(const std::vector<std::string>& files,
                                                           const std::vector<std::string>& labels) {
  EDDYOP_CHECK_HINT(!files.empty(), kComponent, "no statistics files given",
                    "eddyop stats runs/NAME/data/statistics.h5 [more ...]");
  EDDYOP_CHECK_HINT(labels.empty() || labels.size() == files.size(), kComponent,
                    labels.size() << " labels for " << files.size() << " files",
                    "give one label per file with --labels a,b,c, or none");
  std::vector<SolverStatistics> runs;
  for (const auto& f : files) runs.push_back(read_solver_statistics(f));
  std::set<std::string> seen;
  bool unique = true;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!labels.empty()) runs[i].label = labels[i];
    unique = seen.insert(runs[i].label).second && unique;
  }
  if (!unique && labels.empty())
    for (auto& r : runs) r.label = r.file;  // the paths tell them apart
  return runs;
}

Extremum profile_peak(const std::vector<double>& y, const std::vector<double>& f) {
  EDDYOP_CHECK(!y.empty() && y.size() == f.size(), kComponent,
               "a peak needs matching, non-empty nodes and values");
  const std::size_t i = static_cast<std::size_t>(std::max_element(f.begin(), f.end()) - f.begin());
  if (i == 0 || i + 1 == f.size()) return {f[i], y[i]};
  const double x0 = y[i - 1], x1 = y[i], x2 = y[i + 1];
  const double d1 = (f[i] - f[i - 1]) / (x1 - x0), d2 = (f[i + 1] - f[i]) / (x2 - x1);
  const double a = (d2 - d1) / (x2 - x0);
  if (!(a < 0.0)) return {f[i], y[i]};  // flat: no vertex to find
  // f = f0 + d1 (x - x0) + a (x - x0)(x - x1), whose derivative vanishes at:
  const double x = 0.5 * (x0 + x1) - d1 / (2.0 * a);
  return {f[i - 1] + d1 * (x - x0) + a * (x - x0) * (x - x1), x};
}

ChannelSummary summarise(const SolverStatistics& run) {
  ChannelStatsOptions options;
  options.nu = run.nu;
  options.y_bottom = 0.0;
  options.y_top = run.ly;
  ChannelStats st;
  try {
    st = channel_statistics_from_moments(run.moments, static_cast<std::size_t>(run.samples),
                                         options);
  } catch (const Error& e) {
    EDDYOP_FAIL(kComponent, "'" << run.file << "': " << e.what());
  }
  // The bulk velocity as the solver measures it: the cell average over its cells.
  const auto f = faces_from_centres(run.moments.y, run.ly, run.file);
  double sum = 0.0;
  for (std::size_t j = 0; j < run.moments.u.size(); ++j)
    sum += run.moments.u[j] * (f[j + 1] - f[j]);
  st.u_bulk = sum / run.ly;
  st.u_bulk_plus = st.u_bulk / st.u_tau;
  st.cf = st.tau_wall / (0.5 * st.u_bulk * st.u_bulk);

  ChannelSummary s;
  s.label = run.label;
  s.file = run.file;
  s.sgs_model = run.sgs_model;
  s.samples = run.samples;
  s.re_tau = st.re_tau;
  s.re_tau_solver = run.re_tau_solver;
  s.u_tau = st.u_tau;
  s.u_bulk_plus = st.u_bulk_plus;
  s.u_centre_plus = st.u_centre_plus;
  std::vector<double> y_over_h(st.y.size());
  for (std::size_t j = 0; j < st.y.size(); ++j) y_over_h[j] = st.y[j] / st.h;
  fill_extrema(s, y_over_h, st.y_plus, st.u_rms_plus, st.v_rms_plus, st.w_rms_plus, st.uv_plus,
               st.total_stress_plus);
  s.stats = std::move(st);
  return s;
}

ChannelSummary summarise_mkm(const MkmProfiles& mkm) {
  EDDYOP_CHECK(mkm.y.size() >= 3 && mkm.u_plus.size() == mkm.y.size(), kComponent,
               "the MKM profiles have " << mkm.y.size() << " points");
  ChannelSummary s;
  s.label = "MKM 1999";
  s.file = mkm.means.path;
  s.sgs_model = "DNS";
  s.re_tau = mkm.re_tau;
  s.u_tau = 1.0;
  s.u_bulk_plus = integrate_nonuniform(mkm.y, mkm.u_plus) / (mkm.y.back() - mkm.y.front());
  s.u_centre_plus = mkm.u_plus.back();
  fill_extrema(s, mkm.y, mkm.y_plus, mkm.u_rms_plus, mkm.v_rms_plus, mkm.w_rms_plus, mkm.uv_plus,
               mkm.total_stress_plus);
  return s;
}

StatsComparison compare_solver_statistics(const std::vector<SolverStatistics>& runs,
                                          const std::string& reference_dir) {
  StatsComparison c;
  for (const auto& r : runs) c.runs.push_back(summarise(r));
  c.vs_mkm.resize(runs.size());
  if (reference_dir.empty() || !fs::is_directory(fs::path(reference_dir) / "mkm1999" / "chan180")) {
    c.notes.push_back(
        "No MKM reference: " +
        (reference_dir.empty() ? std::string("none found")
                               : "'" + reference_dir + "' holds no mkm1999/chan180") +
        " (give --reference DIR or set EDDYOP_REFERENCE_DIR to the folder holding mkm1999/); "
        "the table has no MKM column.");
    return c;
  }
  c.reference_dir = reference_dir;
  c.mkm_profiles = read_mkm_chan180_profiles(reference_dir);
  c.mkm = summarise_mkm(*c.mkm_profiles);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    try {
      c.vs_mkm[i] = compare_with_mkm(c.runs[i].stats, *c.mkm_profiles);
    } catch (const Error& e) {
      c.notes.push_back(c.runs[i].label + ": profiles not compared with MKM: " + e.what());
    }
  }
  return c;
}

std::string stats_comparison_table(const StatsComparison& c) {
  const bool mkm = c.mkm.has_value();
  std::vector<const ChannelSummary*> cols;
  if (mkm) cols.push_back(&*c.mkm);
  for (const auto& r : c.runs) cols.push_back(&r);
  std::ostringstream out;
  out << "| quantity |";
  for (const auto* s : cols) out << " " << s->label << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < cols.size(); ++i) out << "---|";
  out << "\n";
  // A row of a quantity that MKM has too, and one of a quantity of our runs only.
  auto row = [&](const std::string& name,
                 const std::function<std::string(const ChannelSummary&)>& run) {
    out << "| " << name << " |";
    if (mkm) out << " " << run(*c.mkm) << " |";
    for (const auto& r : c.runs) out << " " << run(r) << " |";
    out << "\n";
  };
  auto per_run = [&](const std::string& name,
                     const std::function<std::string(const ChannelSummary&, std::size_t)>& cell) {
    out << "| " << name << " |";
    if (mkm) out << " — |";
    for (std::size_t i = 0; i < c.runs.size(); ++i) out << " " << cell(c.runs[i], i) << " |";
    out << "\n";
  };
  row("SGS model", [](const ChannelSummary& s) { return s.sgs_model.empty() ? "?" : s.sgs_model; });
  per_run("samples",
          [](const ChannelSummary& s, std::size_t) { return std::to_string(s.samples); });
  row("Re_τ (mean wall gradient, both walls)",
      [](const ChannelSummary& s) { return fixed(s.re_tau, 1); });
  per_run("Re_τ (solver, first cell)", [](const ChannelSummary& s, std::size_t) {
    return s.re_tau_solver > 0 ? fixed(s.re_tau_solver, 1) : std::string("—");
  });
  per_run("u_τ", [](const ChannelSummary& s, std::size_t) { return fmt(s.u_tau, 5); });
  row("U_b+", [](const ChannelSummary& s) { return fixed(s.u_bulk_plus, 2); });
  if (mkm)
    per_run("U_b+ vs MKM (target 3 %)", [&](const ChannelSummary& s, std::size_t) {
      return percent(s.u_bulk_plus, c.mkm->u_bulk_plus, kBulkTarget);
    });
  row("U_c+", [](const ChannelSummary& s) { return fixed(s.u_centre_plus, 2); });
  row("u_rms+ peak", [](const ChannelSummary& s) { return fixed(s.u_rms_peak.value, 3); });
  if (mkm)
    per_run("u_rms+ peak vs MKM (target 10 %)", [&](const ChannelSummary& s, std::size_t) {
      return percent(s.u_rms_peak.value, c.mkm->u_rms_peak.value, kRmsPeakTarget);
    });
  row("y+ of u_rms+ peak", [](const ChannelSummary& s) { return fixed(s.u_rms_peak.y_plus, 1); });
  row("v_rms+ peak", [](const ChannelSummary& s) { return fixed(s.v_rms_peak.value, 3); });
  row("y+ of v_rms+ peak", [](const ChannelSummary& s) { return fixed(s.v_rms_peak.y_plus, 1); });
  row("w_rms+ peak", [](const ChannelSummary& s) { return fixed(s.w_rms_peak.value, 3); });
  row("y+ of w_rms+ peak", [](const ChannelSummary& s) { return fixed(s.w_rms_peak.y_plus, 1); });
  row("⟨u'v'⟩+ min", [](const ChannelSummary& s) { return fixed(s.uv_min.value, 3); });
  row("y+ of ⟨u'v'⟩+ min", [](const ChannelSummary& s) { return fixed(s.uv_min.y_plus, 1); });
  row("total stress: max \\|−⟨u'v'⟩+ + dU+/dy+ − (1 − y/h)\\|",
      [](const ChannelSummary& s) { return fixed(s.total_stress_deviation.value, 4); });
  row("y+ of that deviation",
      [](const ChannelSummary& s) { return fixed(s.total_stress_deviation.y_plus, 1); });
  if (mkm) {
    const std::pair<const char*, const char*> compared[] = {{"U+", "U+"},
                                                            {"u_rms+", "u_rms+"},
                                                            {"v_rms+", "v_rms+"},
                                                            {"w_rms+", "w_rms+"},
                                                            {"⟨u'v'⟩+", "uv+"}};
    for (const auto& [shown, name] : compared) {
      const std::string key = name;
      per_run(std::string(shown) + " vs MKM: max \\|Δ\\| (at y+)",
              [&](const ChannelSummary&, std::size_t i) {
                if (!c.vs_mkm[i]) return std::string("not compared");
                const auto* d = find_difference(*c.vs_mkm[i], key);
                return d ? fixed(d->max_abs, 3) + " (" + fixed(d->y_plus_at_max, 1) + ")"
                         : std::string("—");
              });
      per_run(std::string(shown) + " vs MKM: rms Δ", [&](const ChannelSummary&, std::size_t i) {
        if (!c.vs_mkm[i]) return std::string("not compared");
        const auto* d = find_difference(*c.vs_mkm[i], key);
        return d ? fixed(d->rms, 3) : std::string("—");
      });
    }
  }
  if (!c.notes.empty()) {
    out << "\n";
    for (const auto& n : c.notes) out << "- " << n << "\n";
  }
  return out.str();
}

std::vector<std::string> write_stats_comparison(const StatsComparison& c,
                                                const std::string& out_dir, bool plots, int dpi) {
  fs::create_directories(out_dir);
  std::vector<std::string> written;

  // The profiles, in the layout of evaluate's stats.h5 (docs/postprocess.md), for the plots.
  const std::string h5_path = (fs::path(out_dir) / "stats-comparison.h5").string();
  {
    h5::Writer out(h5_path, "statistics", MPI_COMM_SELF);
    std::vector<std::string> labels, files;
    for (const auto& r : c.runs) {
      labels.push_back(r.label);
      files.push_back(r.file);
    }
    out.write_attribute(h5::kRoot, "dataset_kind", std::string("channel"));
    out.write_attribute(h5::kRoot, "source", std::string("eddyop stats"));
    out.write_attribute(h5::kRoot, "runs", join(labels, "\n"));
    out.write_attribute(h5::kRoot, "run_files", join(files, "\n"));
    out.write_attribute(h5::kRoot, "run_count", static_cast<long long>(c.runs.size()));
    out.write_attribute(h5::kRoot, "truth_run", -1LL);
    out.write_attribute(h5::kRoot, "reference_dir", c.reference_dir);
    auto put = [&](const std::string& name, const std::vector<double>& v) {
      out.write_field(name, "y", v.data(), {static_cast<std::int64_t>(v.size())});
    };
    for (std::size_t i = 0; i < c.runs.size(); ++i) {
      const ChannelSummary& r = c.runs[i];
      const ChannelStats& s = r.stats;
      const std::string p = "r" + std::to_string(i) + "_";
      put(p + "y", s.y);
      put(p + "y_plus", s.y_plus);
      put(p + "u_plus", s.u_plus);
      put(p + "u_rms_plus", s.u_rms_plus);
      put(p + "v_rms_plus", s.v_rms_plus);
      put(p + "w_rms_plus", s.w_rms_plus);
      put(p + "uv_plus", s.uv_plus);
      put(p + "total_stress_plus", s.total_stress_plus);
      const std::string at = h5::field_path(p + "y_plus");
      out.write_attribute(at, "re_tau", r.re_tau);
      out.write_attribute(at, "u_tau", r.u_tau);
      out.write_attribute(at, "h", s.h);
      out.write_attribute(at, "nu", s.nu);
      out.write_attribute(at, "samples", r.samples);
      out.write_attribute(at, "u_bulk_plus", r.u_bulk_plus);
      out.write_attribute(at, "u_centre_plus", r.u_centre_plus);
      out.write_attribute(at, "u_rms_peak", r.u_rms_peak.value);
      out.write_attribute(at, "u_rms_peak_y_plus", r.u_rms_peak.y_plus);
      out.write_attribute(at, "uv_min", r.uv_min.value);
      out.write_attribute(at, "uv_min_y_plus", r.uv_min.y_plus);
      out.write_attribute(at, "total_stress_max_deviation", r.total_stress_deviation.value);
    }
    if (c.mkm_profiles) {
      const MkmProfiles& m = *c.mkm_profiles;
      put("mkm_y_plus", m.y_plus);
      put("mkm_u_plus", m.u_plus);
      put("mkm_u_rms_plus", m.u_rms_plus);
      put("mkm_v_rms_plus", m.v_rms_plus);
      put("mkm_w_rms_plus", m.w_rms_plus);
      put("mkm_uv_plus", m.uv_plus);
      put("mkm_total_stress_plus", m.total_stress_plus);
      out.write_attribute(h5::field_path("mkm_y_plus"), "re_tau", m.re_tau);
    }
    out.write_provenance(
        Provenance::collect(0, "stats:\n  files: [" + join(files, ", ") + "]\n", MPI_COMM_SELF));
    out.close();
  }
  written.push_back(h5_path);

  std::vector<std::string> pngs;
  if (plots) pngs = run_plot_script("stats_comparison.py", h5_path, out_dir, {"u", dpi});

  const std::string md_path = (fs::path(out_dir) / "stats-comparison.md").string();
  std::ostringstream md;
  md << "# Channel statistics of solver runs\n\n"
     << "Running statistics written by the channel solver (statistics.h5), both halves folded, "
        "u_τ from the mean wall gradient at both walls, U_b the cell average over the solver's "
        "cells, peaks refined by the parabola through the largest node and its neighbours. ";
  if (c.mkm)
    md << "MKM: Moser, Kim & Mansour (1999), Re_τ 180 (`" << c.reference_dir
       << "`); the targets are U_b+ within 3 % and the u_rms+ peak within 10 % of MKM's.";
  md << "\n\n| run | file |\n|---|---|\n";
  for (const auto& r : c.runs) md << "| " << r.label << " | `" << r.file << "` |\n";
  md << "\n" << stats_comparison_table(c) << "\n";
  for (const auto& p : pngs) {
    const std::string name = fs::path(p).filename().string();
    md << "![" << fs::path(p).stem().string() << "](" << name << ")\n\n";
  }
  write_file_atomic(md_path, md.str());
  written.push_back(md_path);
  written.insert(written.end(), pngs.begin(), pngs.end());
  return written;
}

}  // namespace eddyop::postprocess
