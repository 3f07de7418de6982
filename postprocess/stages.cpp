#include "postprocess/stages.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>

#include "core/error.hpp"
#include "postprocess/box_source.hpp"
#include "postprocess/plot.hpp"
#include "postprocess/report.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

bool is_rank0() {
  int initialized = 0, rank = 0;
  MPI_Initialized(&initialized);
  if (initialized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
}

// A case's file name: relative ones are looked up in the run directory first.
std::string locate(const std::string& file, const std::string& run_dir) {
  if (file.empty() || fs::path(file).is_absolute()) return file;
  const fs::path in_run = fs::path(run_dir) / file;
  return fs::exists(in_run) ? in_run.string() : file;
}

std::vector<std::string> locate_all(const std::vector<std::string>& files,
                                    const std::string& run_dir) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(locate(f, run_dir));
  return out;
}

std::string out_dir(const config::Case& c, const std::string& key, const std::string& run_dir,
                    const std::string& fallback) {
  const auto out = c.get<std::string>(key);
  return out.empty() ? (fs::path(run_dir) / fallback).string() : out;
}

long long seed_of(const config::Case& c) {
  return c.has("case.seed") ? c.get<long long>("case.seed") : 0;
}

}  // namespace

config::Section evaluate_section() {
  config::Section s("evaluate",
                    "Statistics, spectra and rollout errors: of channel runs (wall units, MKM "
                    "comparison) or of periodic boxes such as NS2D (shell spectra), as the files "
                    "say (docs/postprocess.md).");
  s.add_string_list("files", {},
                    "Runs to evaluate (HDF5 datasets or trajectories); relative names are looked "
                    "up in the run directory first.");
  s.add_string_list("labels", {}, "One label per file, for tables and plots; empty: file stems.");
  s.add_string("truth", "",
               "Truth the rollout errors are taken against: filtered DNS, or the dataset a "
               "rollout came from (its samples are matched by the rollout's sample list).");
  s.add_string("truth_label", "filtered DNS", "Label of the truth in tables and plots.");
  s.add_string("reference_dir", "",
               "Directory holding mkm1999/; empty: $EDDYOP_REFERENCE_DIR or "
               "<source>/../shared/reference. Without it the report notes the missing "
               "comparison.");
  s.add_real_list("y_plus", {5.0, 10.0, 30.0, 98.0, 178.0},
                  "Channel: wall distances (y+) of the 1-D spectra; MKM's planes by default.");
  s.add_real("error_threshold", 0.2, "Relative L2 error whose first crossing is reported.")
      .greater_than(0.0);
  s.add_int_list("error_steps", {1, 10, 50}, "Steps whose errors go into metrics.json.");
  s.add_real("discard_time", 0.0,
             "Samples before this time (a transient) are left out of statistics and spectra.")
      .min(0.0);
  s.add_int("trajectory", 0,
            "Trajectory of the field slices (the errors are taken for every trajectory).")
      .min(0);
  s.add_int("slice_step", -1, "Step of the field slices; negative counts from the end.");
  s.add_bool("plots", true, "Draw the plots (python3 + matplotlib) and embed them in the report.");
  s.add_string("out", "", "Output directory; empty: <run directory>/eval.");
  return s;
}

config::Section export_section() {
  config::Section s("export",
                    "ParaView files: .vtr (channel) or .vti (periodic box) series with a .pvd, "
                    "and .xmf beside HDF5 files.");
  s.add_string_list("files", {},
                    "Datasets or trajectories (channel or periodic box); empty: evaluate.truth and "
                    "evaluate.files.");
  s.add_string_list(
      "labels", {},
      "One label per file (its folder and file stem); empty: evaluate's labels (and truth_label) "
      "when the files come from evaluate, else the file stems.");
  s.add_int_list("steps", {}, "Snapshots (time indices, negative from the end); empty: all.");
  s.add_int("stride", 1, "With no steps: every this many steps.").min(1);
  s.add_int("trajectory", 0,
            "Trajectory exported; from evaluate, the truth's is the one that trajectory of the "
            "first run started from.")
      .min(0);
  s.add_bool("vorticity", true, "Add the vorticity vector.");
  s.add_bool("q_criterion", true, "Add the Q-criterion.");
  s.add_bool("vtk", true, "Write the .vtr/.vti series and .pvd.");
  s.add_bool("xdmf", true, "Write an .xmf beside each HDF5 file so ParaView opens it directly.");
  s.add_string_list("xdmf_files", {}, "More HDF5 files that get an .xmf only.");
  s.add_string("out", "", "Output directory; empty: <run directory>/export.");
  return s;
}

config::Section plot_section() {
  config::Section s("plot", "Plots of evaluate's stats.h5, and the report that embeds them.");
  s.add_string("stats", "", "Statistics file; empty: <run directory>/eval/stats.h5.");
  s.add_string("slice_component", "u",
               "Velocity component of the field slices (a periodic box without it: its first "
               "field).")
      .choices({"u", "v", "w"});
  s.add_int("dpi", 110, "Resolution of the PNGs.").min(50).max(600);
  return s;
}

EvaluateOptions evaluate_options(const config::Case& c, const std::string& run_dir) {
  EvaluateOptions o;
  o.files = locate_all(c.get<std::vector<std::string>>("evaluate.files"), run_dir);
  o.labels = c.get<std::vector<std::string>>("evaluate.labels");
  o.truth = locate(c.get<std::string>("evaluate.truth"), run_dir);
  o.truth_label = c.get<std::string>("evaluate.truth_label");
  o.reference_dir = c.get<std::string>("evaluate.reference_dir");
  o.y_plus = c.get<std::vector<double>>("evaluate.y_plus");
  o.error_threshold = c.get<double>("evaluate.error_threshold");
  o.error_steps = c.get<std::vector<long long>>("evaluate.error_steps");
  o.discard_time = c.get<double>("evaluate.discard_time");
  o.trajectory = c.get<std::size_t>("evaluate.trajectory");
  o.slice_step = c.get<long long>("evaluate.slice_step");
  o.plots = c.get<bool>("evaluate.plots");
  o.config_yaml = c.resolved_yaml();
  o.seed = seed_of(c);
  return o;
}

ExportOptions export_options(const config::Case& c, const std::string& run_dir) {
  ExportOptions o;
  o.files = locate_all(c.get<std::vector<std::string>>("export.files"), run_dir);
  o.labels = c.get<std::vector<std::string>>("export.labels");
  o.trajectory = c.get<std::size_t>("export.trajectory");
  if (o.files.empty() && c.has("evaluate.files")) {
    // The evaluated runs and their truth, under their evaluation labels (made file-name safe),
    // the truth at the trajectory the first run's exported one started from.
    const auto truth = c.get<std::string>("evaluate.truth");
    const auto runs = locate_all(c.get<std::vector<std::string>>("evaluate.files"), run_dir);
    auto labels = c.get<std::vector<std::string>>("evaluate.labels");
    const bool labelled = o.labels.empty() && labels.size() == runs.size();
    if (!truth.empty()) {
      o.files.push_back(locate(truth, run_dir));
      std::size_t t = o.trajectory;
      if (!runs.empty() && fs::exists(runs.front())) {
        const auto ids = read_trajectory_ids(runs.front());
        if (o.trajectory < ids.size()) t = static_cast<std::size_t>(ids[o.trajectory]);
      }
      o.file_trajectories.push_back(t);
      if (labelled) labels.insert(labels.begin(), c.get<std::string>("evaluate.truth_label"));
    }
    for (const auto& f : runs) {
      o.files.push_back(f);
      o.file_trajectories.push_back(o.trajectory);
    }
    if (labelled) {
      for (auto& l : labels) {
        std::string safe;
        for (char ch : l) {
          const bool keep = std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.';
          if (keep)
            safe += ch;
          else if (!safe.empty() && safe.back() != '_')
            safe += '_';
        }
        while (!safe.empty() && safe.back() == '_') safe.pop_back();
        l = safe.empty() ? "run" : safe;
      }
      o.labels = labels;
    }
  }
  o.steps = c.get<std::vector<long long>>("export.steps");
  o.stride = c.get<long long>("export.stride");
  o.vorticity = c.get<bool>("export.vorticity");
  o.q_criterion = c.get<bool>("export.q_criterion");
  o.vtk = c.get<bool>("export.vtk");
  o.xdmf = c.get<bool>("export.xdmf");
  o.xdmf_files = locate_all(c.get<std::vector<std::string>>("export.xdmf_files"), run_dir);
  return o;
}

void run_evaluate(const config::Case& c, const std::string& run_dir) {
  if (!is_rank0()) return;
  evaluate_files(evaluate_options(c, run_dir), out_dir(c, "evaluate.out", run_dir, "eval"));
}

void run_export(const config::Case& c, const std::string& run_dir) {
  if (!is_rank0()) return;
  const auto written =
      export_files(export_options(c, run_dir), out_dir(c, "export.out", run_dir, "export"));
  spdlog::info("export: {} files written", written.size());
}

void run_plot(const config::Case& c, const std::string& run_dir) {
  if (!is_rank0()) return;
  std::string stats = c.get<std::string>("plot.stats");
  if (stats.empty()) {
    const std::string eval = c.has("evaluate.out") ? c.get<std::string>("evaluate.out") : "";
    stats = ((eval.empty() ? fs::path(run_dir) / "eval" : fs::path(eval)) / "stats.h5").string();
  } else {
    stats = locate(stats, run_dir);
  }
  const fs::path dir = fs::path(stats).parent_path();
  PlotOptions p;
  p.slice_component = c.get<std::string>("plot.slice_component");
  p.dpi = c.get<int>("plot.dpi");
  const auto pngs = run_plot_scripts(stats, (dir / "plots").string(), p);
  spdlog::info("plot: {} plots in {}", pngs.size(), (dir / "plots").string());
  if (fs::exists(dir / "metrics.json")) spdlog::info("plot: report {}", write_report(dir.string()));
}

}  // namespace eddyop::postprocess
