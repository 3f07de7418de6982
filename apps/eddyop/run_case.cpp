#include "eddyop/run_case.hpp"

#include <mpi.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/strings.hpp"
#include "eddyop/case_schema.hpp"

namespace eddyop::cli {

namespace fs = std::filesystem;

std::string stage_stamp(const std::string& resolved_case, const std::string& stage,
                        const std::string& previous) {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::string* part : {&resolved_case, &stage, &previous}) {
    for (unsigned char ch : *part) {
      h ^= ch;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a separator, so that ("ab", "c") and ("a", "bc") differ
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

namespace {

std::string read_stamp(const fs::path& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Every rank takes rank 0's decision, so that all ranks skip or run a stage together.
bool agreed(bool decision) {
  int v = decision ? 1 : 0;
  MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return v != 0;
}

void log_to_file(const fs::path& path) {
  auto logger = spdlog::default_logger();
  for (const auto& sink : logger->sinks())
    if (std::dynamic_pointer_cast<spdlog::sinks::basic_file_sink_mt>(sink)) return;
  logger->sinks().push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string()));
}

// The files a stage reads that another run may have made (a dataset, the rollouts of other
// cases): their paths, sizes and modification times enter the stage's stamp, so that a stage
// runs again when its inputs changed even though its own settings did not.
std::string input_fingerprint(const config::Case& c, const std::string& stage,
                              const fs::path& run_dir) {
  std::vector<std::string> files;
  const auto add = [&](const std::string& key) {
    if (!c.has(key)) return;
    const YAML::Node n = c.node(key);
    if (n.IsSequence()) {
      for (const auto& item : n) files.push_back(item.as<std::string>());
    } else if (n.IsScalar()) {
      files.push_back(n.as<std::string>());
    }
  };
  if (stage == "train") add("train.dataset");
  if (stage == "rollout") add("rollout.dataset");
  if (stage == "baselines") {
    add("baselines.dataset");
    add("train.dataset");
  }
  if (stage == "evaluate" || stage == "export") {
    add("evaluate.files");
    add("evaluate.truth");
    add("export.files");
  }
  std::string out;
  for (const auto& f : files) {
    if (f.empty()) continue;
    const fs::path p = fs::path(f).is_absolute() ? fs::path(f) : run_dir / f;
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) continue;  // made by an earlier stage of this run, or missing: the stage says so
    const auto time = fs::last_write_time(p, ec).time_since_epoch().count();
    out += p.lexically_normal().string() + ":" + std::to_string(size) + ":" + std::to_string(time) +
           "\n";
  }
  return out;
}

}  // namespace

void check_from_stage(const config::Case& c, const std::string& from) {
  const auto stages = c.get<std::vector<std::string>>("run.stages");
  const bool listed = std::find(stages.begin(), stages.end(), from) != stages.end();
  EDDYOP_CHECK(listed, "run",
               "--from " << from << ": the case runs only these stages: " << join(stages));
}

int run_case(const StageContext& context, const std::string& from) {
  const auto& c = context.case_;
  const fs::path run_dir(context.run_dir);
  const auto stages = c.get<std::vector<std::string>>("run.stages");
  if (!from.empty()) check_from_stage(c, from);
  const std::string resolved = c.resolved_yaml();
  if (context.rank == 0) {
    write_file_atomic(run_dir / "config.resolved.yaml", resolved);
    log_to_file(run_dir / "log.txt");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  spdlog::info("run '{}' in {}", c.get<std::string>("case.name"), context.run_dir);

  std::string previous;
  bool forced = false;
  std::vector<std::string> missing, skipped;
  for (const auto& name : stages) {
    const Stage& s = stage(name);
    const std::string stamp =
        stage_stamp(resolved + input_fingerprint(c, name, run_dir), name, previous);
    const fs::path stamp_file = run_dir / ".stages" / (name + ".done");
    forced = forced || name == from;
    const bool unchanged = agreed(!forced && context.rank == 0 && read_stamp(stamp_file) == stamp);
    previous = stamp;
    if (unchanged) {
      spdlog::info("stage {}: unchanged since it last finished, skipped (--from {} reruns it)",
                   name, name);
      skipped.push_back(name);
      continue;
    }
    // A stage that runs again invalidates its stamp first: if it stops part way, the next run
    // must not take the old stamp for a finished stage.
    if (context.rank == 0) fs::remove(stamp_file);
    if (s.run == nullptr || s.run(context) == StageResult::not_built) {
      spdlog::warn("stage {}: not built yet, skipped (it will {})", s.name, s.summary);
      missing.push_back(name);
      continue;
    }
    if (context.rank == 0) write_file_atomic(stamp_file, stamp + "\n");
    MPI_Barrier(MPI_COMM_WORLD);
    spdlog::info("stage {}: done", s.name);
  }
  if (!skipped.empty()) spdlog::info("skipped as unchanged: {}", join(skipped));
  if (!missing.empty()) {
    spdlog::warn("run '{}' is incomplete: stages not built yet: {}",
                 c.get<std::string>("case.name"), join(missing));
  }
  spdlog::info("resolved case: {}/config.resolved.yaml", context.run_dir);
  return 0;
}

}  // namespace eddyop::cli
