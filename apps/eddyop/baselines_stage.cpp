#include "eddyop/baselines_stage.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/strings.hpp"
#include "eddyop/case_schema.hpp"
#include "postprocess/export.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/run.hpp"

namespace eddyop::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "baselines";

std::string in_run(const std::string& run_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(run_dir) / path).lexically_normal().string();
}

// Trajectories of the rollout file, "2" or "3,4", as the rollout stage writes them.
std::vector<int> parse_list(const std::string& text, const std::string& where) {
  std::vector<int> out;
  for (const auto& item : split(text, ',')) {
    try {
      out.push_back(std::stoi(item));
    } catch (const std::exception&) {
      EDDYOP_FAIL(kComponent, where << ": '" << text << "' is not a list of trajectories");
    }
  }
  return out;
}

std::string join_ints(const std::vector<int>& v) {
  std::vector<std::string> s;
  for (int i : v) s.push_back(std::to_string(i));
  return join(s);
}

}  // namespace

config::Section baselines_section() {
  config::Section s("baselines",
                    "LES baselines on the training data's grid, started from the held-out fields "
                    "that the rollout starts from (channel data only).");
  s.add_string_list("models", {},
                    "Subgrid models, one LES each (e.g. [dynamic_smagorinsky, wale]); [] runs "
                    "nothing. The other channel settings come from `channel`.")
      .choices({"none", "smagorinsky", "dynamic_smagorinsky", "wale"});
  s.add_string("dataset", "",
               "Channel dataset whose grid and fields the LES take; '' takes train.dataset.");
  s.add_int_list("trajectories", {},
                 "Consecutive trajectories of the dataset to start from; [] takes the rollout's "
                 "(rollout.output), or the dataset's last trajectory when there is no rollout.");
  s.add_int("start", 0, "Time index of the dataset the LES start from.").min(0);
  s.add_int("intervals", 0,
            "Sampling intervals to run; 0: to the end of the dataset's trajectories.")
      .min(0);
  s.add_string("output", "baselines",
               "Folder, relative to the run directory: <output>/<model>/dataset.h5.");
  return s;
}

config::Case baseline_case(const config::Case& c, const std::string& model,
                           const std::string& dataset, int first, int count, int start,
                           int intervals, const std::string& out_dir) {
  const h5::Reader in(dataset);
  EDDYOP_CHECK_HINT(in.has_field("u"), kComponent,
                    "'" << dataset << "' has no field u: it is not a channel dataset",
                    "baselines run only on data made by the channel solver");
  const h5::FieldInfo u = in.field("u");
  EDDYOP_CHECK(u.shape.size() == 5, kComponent,
               "'" << dataset << "': field u has " << u.shape.size()
                   << " axes; a channel dataset has 5 (trajectory, time, x, y, z)");
  const auto phys = [&](const char* name) { return in.read_double(h5::kPhysicsGroup, name); };
  const std::vector<std::string> overrides = {
      "channel.nx=" + std::to_string(u.shape[2]),
      "channel.ny=" + std::to_string(u.shape[3] + 1),
      "channel.nz=" + std::to_string(u.shape[4]),
      "channel.out_nx=" + std::to_string(u.shape[2]),
      "channel.out_ny=" + std::to_string(u.shape[3] + 1),
      "channel.out_nz=" + std::to_string(u.shape[4]),
      "channel.lx=" + config::shortest_real(phys("lx")),
      "channel.ly=" + config::shortest_real(phys("ly")),
      "channel.lz=" + config::shortest_real(phys("lz")),
      "channel.stretching=" + config::shortest_real(phys("stretching")),
      "channel.re_tau=" + config::shortest_real(phys("Re_tau")),
      "channel.sample_interval=" + config::shortest_real(phys("sampling_interval")),
      "channel.sgs_model=" + model,
      "channel.restart=''",
      "channel.initial_dataset=" + fs::absolute(dataset).string(),
      "channel.initial_trajectory=" + std::to_string(first),
      "channel.initial_step=" + std::to_string(start),
      "channel.trajectories=" + std::to_string(count),
      "channel.samples=" + std::to_string(intervals + 1),
      "channel.spinup_time=0",
      "channel.stats_start=0",
      "channel.snapshot_interval=0",
      "generate.output=" + (fs::path(out_dir) / "dataset.h5").string(),
  };
  return config::Case::parse(c.resolved_yaml(), c.origin() + " (baseline " + model + ")",
                             case_schema(), overrides);
}

StageResult run_baselines(const StageContext& context) {
  const auto& c = context.case_;
  const auto models = c.get<std::vector<std::string>>("baselines.models");
  if (models.empty()) {
    spdlog::info("baselines: no models listed, nothing to run");
    return StageResult::done;
  }
  std::string dataset = c.get<std::string>("baselines.dataset");
  if (dataset.empty()) dataset = c.get<std::string>("train.dataset");
  dataset = in_run(context.run_dir, dataset);
  EDDYOP_CHECK_HINT(fs::exists(dataset), kComponent, "dataset '" << dataset << "' does not exist",
                    "run the generate stage first, or set baselines.dataset");
  const h5::Reader in(dataset);
  EDDYOP_CHECK_HINT(in.has_field("u") && in.field("u").shape.size() == 5, kComponent,
                    "'" << dataset
                        << "' is not a channel dataset (u with axes trajectory, time, "
                           "x, y, z)",
                    "baselines run only on data made by the channel solver");
  const auto shape = in.field("u").shape;
  const int trajectories = static_cast<int>(shape[0]), times = static_cast<int>(shape[1]);

  auto list = c.get<std::vector<int>>("baselines.trajectories");
  if (list.empty()) {
    const std::string rollout = in_run(context.run_dir, c.get<std::string>("rollout.output"));
    if (fs::exists(rollout)) {
      list = parse_list(h5::Reader(rollout).read_string("/", "trajectories"), rollout);
    } else {
      list = {trajectories - 1};
    }
  }
  for (std::size_t i = 1; i < list.size(); ++i)
    EDDYOP_CHECK_HINT(list[i] == list[0] + static_cast<int>(i), kComponent,
                      "baselines.trajectories = [" << join_ints(list) << "] are not consecutive",
                      "run the baselines once per block of consecutive trajectories");
  EDDYOP_CHECK(list.front() >= 0 && list.back() < trajectories, kComponent,
               "trajectories [" << join_ints(list) << "] are outside '" << dataset
                                << "', which has " << trajectories);
  const int start = c.get<int>("baselines.start");
  EDDYOP_CHECK(start < times - 1, kComponent,
               "baselines.start = " << start << " leaves no interval of '" << dataset
                                    << "', which has " << times << " times");
  int intervals = c.get<int>("baselines.intervals");
  if (intervals == 0) intervals = times - 1 - start;
  EDDYOP_CHECK(start + intervals < times, kComponent,
               "baselines.intervals = " << intervals << " from start " << start << " runs past the "
                                        << times << " times of '" << dataset << "'");

  const fs::path out = fs::path(context.run_dir) / c.get<std::string>("baselines.output");
  for (const auto& model : models) {
    const std::string dir = (out / model).string();
    const config::Case les = baseline_case(c, model, dataset, list.front(),
                                           static_cast<int>(list.size()), start, intervals, dir);
    solvers::channel::validate(solvers::channel::params_from_case(les), context.size);
    spdlog::info("baselines: {} LES on {} x {} x {} from trajectories [{}] of {}, {} intervals",
                 model, shape[2], shape[3] + 1, shape[4], join_ints(list), dataset, intervals);
    if (context.rank == 0) fs::create_directories(dir);
    MPI_Barrier(MPI_COMM_WORLD);
    const auto r = solvers::channel::run_channel(les, dir, MPI_COMM_WORLD);
    if (context.rank == 0)
      spdlog::info("baselines: {} -> {} ({})", model, r.dataset,
                   postprocess::write_file_xdmf(r.dataset));
    MPI_Barrier(MPI_COMM_WORLD);
  }
  return StageResult::done;
}

}  // namespace eddyop::cli
