#include "eddyop/cli.hpp"

#include <mpi.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "core/tensor/fft.hpp"
#include "eddyop/case_schema.hpp"
#include "eddyop/info.hpp"
#include "eddyop/run_case.hpp"
#include "eddyop/stages.hpp"
#include "eddyop/version.hpp"
#include "operators/host_loop.hpp"
#include "postprocess/evaluate.hpp"
#include "postprocess/solver_stats.hpp"
#include "runtime.hpp"
#include "solvers/generate.hpp"

namespace eddyop::cli {

namespace {

// Exit codes: what a script calling eddyop can tell apart.
constexpr int kOk = 0;
constexpr int kFailed = 1;    // the run failed (a solver blew up, a file could not be written)
constexpr int kBadInput = 2;  // the command line or the case file is wrong; nothing ran
constexpr int kNotBuilt = 3;  // the stage asked for is not built yet; nothing ran

struct Options {
  std::string command;
  std::string case_file;
  std::vector<std::string> sets;
  std::string out;
  std::optional<long long> seed;
  std::vector<std::string> files;  // eddyop info|evaluate|export|plot FILE...
  int verbose = 0;
  bool quiet = false;
  std::string from;       // eddyop run --from STAGE
  std::string labels;     // eddyop stats --labels a,b,c
  std::string reference;  // eddyop stats --reference DIR
};

// Everything after "--" belongs to PETSc (-log_view, -ksp_type cg, ...).
void split_at_dashes(int argc, char** argv, std::vector<std::string>& ours,
                     std::vector<std::string>& petsc) {
  bool after = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!after && a == "--") {
      after = true;
      continue;
    }
    (after ? petsc : ours).push_back(a);
  }
}

// A YAML flow list of quoted strings, so that any path survives the trip through --set.
std::string yaml_string_list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    s += i ? ", \"" : "\"";
    for (char ch : items[i])
      s += (ch == '"' || ch == '\\') ? std::string("\\") + ch : std::string(1, ch);
    s += "\"";
  }
  return s + "]";
}

// evaluate, export and plot also take files on the command line: they replace the case's list,
// and without a case file a minimal case is made for them (outputs under --out, default ".").
std::vector<std::string> file_overrides(const Options& o) {
  if (o.files.empty()) return {};
  if (o.command == "evaluate") return {"evaluate.files=" + yaml_string_list(o.files)};
  if (o.command == "export") return {"export.files=" + yaml_string_list(o.files)};
  EDDYOP_CHECK(o.files.size() == 1, "cli",
               "eddyop plot takes one statistics file (eval/stats.h5), got " << o.files.size());
  return {"plot.stats=" + yaml_string_list(o.files).substr(1, o.files[0].size() + 2)};
}

config::Case load_case(const Options& o) {
  const bool explicit_files = !o.files.empty();
  EDDYOP_CHECK_HINT(!o.case_file.empty() || explicit_files, "cli",
                    "eddyop " << o.command << " needs a case file",
                    "eddyop " << o.command << " -c cases/NAME.yaml");
  std::vector<std::string> overrides = o.sets;
  for (auto& f : file_overrides(o)) overrides.push_back(f);
  if (o.seed) overrides.push_back("case.seed=" + std::to_string(*o.seed));
  if (!o.out.empty()) overrides.push_back("case.out=" + o.out);
  if (o.case_file.empty()) {
    const std::string text = "case: {name: " + o.command + ", out: \".\"}\n";
    return config::Case::parse(text, "the command line", case_schema(), overrides);
  }
  return config::Case::load(o.case_file, case_schema(), overrides);
}

std::vector<std::pair<std::string, std::string>> petsc_options(const config::Case& c) {
  std::vector<std::pair<std::string, std::string>> options;
  for (const auto& kv : c.node("petsc")) {
    options.emplace_back(kv.first.as<std::string>(),
                         kv.second.IsNull() ? std::string() : kv.second.as<std::string>());
  }
  return options;
}

std::string run_directory(const config::Case& c) {
  const auto out = c.get<std::string>("case.out");
  return out.empty() ? "runs/" + c.get<std::string>("case.name") : out;
}

int not_built(const Stage& s) {
  spdlog::error("eddyop {}: this stage is not built yet, so nothing was run (it will {}).", s.name,
                s.summary);
  return kNotBuilt;
}

int run_info(const std::vector<std::string>& files) {
  if (files.empty()) {
    for (const auto& [what, text] : build_info())
      std::printf("%-14s %s\n", what.c_str(), text.c_str());
    return kOk;
  }
  int status = kOk;
  for (const auto& f : files) {
    try {
      std::fputs(describe_file(f).c_str(), stdout);
    } catch (const Error& e) {
      spdlog::error("{}", e.what());
      status = kBadInput;
    }
  }
  return status;
}

// eddyop stats FILE...: the solver's running statistics side by side and against MKM
// (postprocess/solver_stats.hpp); a file that is not one is bad input, and nothing is written.
int run_stats(const Options& o) {
  std::vector<postprocess::SolverStatistics> runs;
  try {
    runs = postprocess::read_solver_statistics_files(
        o.files, o.labels.empty() ? std::vector<std::string>{} : split(o.labels, ','));
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return kBadInput;
  }
  try {
    const auto c = postprocess::compare_solver_statistics(
        runs, postprocess::resolve_reference_dir(o.reference));
    const std::string out = o.out.empty() ? "." : o.out;
    const auto written = postprocess::write_stats_comparison(c, out);
    std::fputs(postprocess::stats_comparison_table(c).c_str(), stdout);
    for (const auto& f : written) spdlog::info("stats: wrote {}", f);
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return kFailed;
  }
  return kOk;
}

int run_stage(const Stage& s, const StageContext& context) {
  if (s.run == nullptr) return not_built(s);
  return s.run(context) == StageResult::done ? kOk : not_built(s);
}

void add_common_options(CLI::App& sub, Options& o) {
  sub.add_option("-c,--case", o.case_file, "Case file (YAML)");
  sub.add_option("--set", o.sets, "Override a case setting: key.path=value (repeatable)")
      ->take_all();
  sub.add_option("--out", o.out, "Output (run) directory; overrides case.out");
  sub.add_option("--seed", o.seed, "Seed; overrides case.seed")->check(CLI::NonNegativeNumber);
  sub.add_flag("-v,--verbose", o.verbose, "More output: the resolved case, debug messages");
  sub.add_flag("-q,--quiet", o.quiet, "Only warnings and errors");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> ours, petsc_args;
  split_at_dashes(argc, argv, ours, petsc_args);

  Options o;
  CLI::App app{
      "eddyop: neural surrogates of turbulent and PDE flows.\n"
      "Options after `--` go to PETSc (for example -- -log_view -ksp_monitor)."};
  app.set_version_flag("--version", std::string("eddyop ") + kVersion + " (git " + kGitSha + ")");
  app.require_subcommand(1, 1);
  const std::pair<const char*, const char*> commands[] = {
      {"generate", "Make a dataset with a solver"},
      {"train", "Train a neural operator"},
      {"rollout", "Roll a trained operator forward in time"},
      {"evaluate", "Statistics, spectra and errors against references"},
      {"export", "Write ParaView files"},
      {"plot", "Write plots and the report"},
      {"run", "Run every stage of a case in order"},
      {"stats", "Compare channel solver statistics (statistics.h5) with each other and MKM"},
      {"info", "Versions of eddyop and of everything it runs on"},
      {"reference", "Print the case-file reference (docs/case-files.md)"},
  };
  for (const auto& [name, help] : commands) {
    CLI::App* sub = app.add_subcommand(name, help);
    add_common_options(*sub, o);
    sub->callback([&o, n = name] { o.command = n; });
    const std::string n = name;
    if (n == "generate" || n == "train" || n == "rollout") {
      sub->add_option("case_file", o.case_file, "Case file (YAML), as with -c");
    }
    if (n == "info") {
      sub->add_option("files", o.files, "eddyop HDF5 files to describe instead");
    } else if (n == "evaluate" || n == "export") {
      sub->add_option("files", o.files,
                      "Datasets or trajectories (replace " + n + ".files; no case file needed)");
    } else if (n == "run") {
      sub->add_option("--from", o.from, "Rerun from this stage on, even if it is unchanged");
      sub->add_option("case_file", o.case_file, "Case file (YAML), as with -c");
    } else if (n == "stats") {
      sub->add_option("files", o.files, "statistics.h5 files written by eddyop generate")
          ->required();
      sub->add_option("--labels", o.labels, "One label per file, comma-separated (a,b,c)");
      sub->add_option(
          "--reference", o.reference,
          "Folder holding mkm1999/ (default: $EDDYOP_REFERENCE_DIR, ../shared/reference)");
    } else if (n == "plot") {
      sub->add_option("files", o.files, "eval/stats.h5 to plot (replaces plot.stats)");
    }
  }
  // CLI11 wants argv order without the PETSc part; it keeps the strings it is given.
  std::vector<std::string> reversed(ours.rbegin(), ours.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kBadInput;
  }

  Runtime runtime;
  try {
    runtime.start_petsc(argv[0], petsc_args);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kFailed;
  }
  log::init(o.quiet          ? log::Verbosity::quiet
            : o.verbose > 1  ? log::Verbosity::debug
            : o.verbose == 1 ? log::Verbosity::verbose
                             : log::Verbosity::normal,
            runtime.rank());

  // Input is checked on every rank before anything is allocated; the same file gives the same
  // verdict everywhere, so only rank 0 reports it.
  std::optional<config::Case> the_case;
  try {
    if (o.command == "info") {
      runtime.start_kokkos(0);
      return runtime.rank() == 0 ? run_info(o.files) : kOk;
    }
    if (o.command == "stats") return runtime.rank() == 0 ? run_stats(o) : kOk;
    if (o.command == "reference") {
      if (runtime.rank() == 0) std::fputs(case_reference_markdown().c_str(), stdout);
      return kOk;
    }
    the_case.emplace(load_case(o));
    spdlog::debug("resolved case ({}):\n{}", o.case_file, the_case->resolved_yaml());
    runtime.add_petsc_options(petsc_options(*the_case));
    if (o.command == "run" && !o.from.empty()) check_from_stage(*the_case, o.from);
    // The solver's own checks (stability limit, grids that coarsen, ...) belong to the input too.
    solvers::validate_generate(*the_case);
  } catch (const Error& e) {
    if (runtime.rank() == 0) spdlog::error("{}", e.what());
    return kBadInput;
  }

  try {
    runtime.start_kokkos(the_case->get<int>("runtime.threads"));
    {  // FFTW and the operators' host loops take the same threads (0: the cores per rank)
      const int t = the_case->get<int>("runtime.threads");
      const int cores = static_cast<int>(std::thread::hardware_concurrency());
      const int n = t > 0 ? t : std::max(1, cores / std::max(1, runtime.size()));
      eddyop::tensor::fft::set_threads(n);
      eddyop::ops::set_host_threads(n);
    }
    const StageContext context{*the_case, run_directory(*the_case), runtime.rank(), runtime.size()};
    if (o.command == "run") return run_case(context, o.from);
    return run_stage(stage(o.command), context);
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
  } catch (const std::exception& e) {
    spdlog::error("eddyop {}: unexpected failure: {}", o.command, e.what());
  }
  // A failure on one rank would leave the others waiting in a collective call for ever.
  if (runtime.size() > 1) MPI_Abort(MPI_COMM_WORLD, kFailed);
  return kFailed;
}

}  // namespace eddyop::cli
