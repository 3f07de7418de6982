#include "eddyop/stages.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <iterator>

#include "core/error.hpp"
#include "eddyop/baselines_stage.hpp"
#include "eddyop/case_schema.hpp"
#include "eddyop/generate_stage.hpp"
#include "postprocess/stages.hpp"
#include "surrogates/stages.hpp"
#include "surrogates/trainer.hpp"

namespace eddyop::cli {

namespace {

// Post-processing runs on rank 0; the others wait, so that the run moves on together.
template <void (*Run)(const config::Case&, const std::string&)>
StageResult rank0_stage(const StageContext& context) {
  if (context.rank == 0) Run(context.case_, context.run_dir);
  MPI_Barrier(MPI_COMM_WORLD);
  return StageResult::done;
}

// Training and rollout run on every rank (data-parallel training, rollouts split by trajectory).
template <void (*Run)(const config::Case&, const std::string&)>
StageResult all_ranks_stage(const StageContext& context) {
  Run(context.case_, context.run_dir);
  return StageResult::done;
}

// The rollout on every rank, then an .xmf beside its trajectory so that ParaView opens it as is.
StageResult rollout_stage(const StageContext& context) {
  surrogates::run_rollout(context.case_, context.run_dir);
  if (context.rank == 0) {
    const std::string xmf = postprocess::write_file_xdmf(
        surrogates::run_path(context.run_dir, context.case_.get<std::string>("rollout.output")));
    if (!xmf.empty()) spdlog::info("rollout: ParaView description {}", xmf);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return StageResult::done;
}

// One row per stage. `run` stays null until the stage's component lands; then the row names
// the function that runs it, and nothing else in the command line changes.
const Stage kStageTable[] = {
    {"generate", "make the dataset with a solver: PDE benchmarks, channel DNS or LES",
     run_generate},
    {"train", "train the neural operator on the dataset", all_ranks_stage<surrogates::run_train>},
    {"rollout", "roll the trained operator forward in time", rollout_stage},
    {"baselines", "run the LES baselines from the held-out fields on the data's grid",
     run_baselines},
    {"evaluate", "compute statistics, spectra and errors of the rollout against the references",
     rank0_stage<postprocess::run_evaluate>},
    {"export", "write ParaView files of the fields: VTK XML and .pvd",
     rank0_stage<postprocess::run_export>},
    {"plot", "draw the plots and write the report", rank0_stage<postprocess::run_plot>},
};
static_assert(std::size(kStageTable) == std::size(kStages), "one row per stage");
}  // namespace

const Stage& stage(const std::string& name) {
  for (const auto& s : kStageTable)
    if (name == s.name) return s;
  EDDYOP_FAIL("cli", "unknown stage '" << name << "'");
}

}  // namespace eddyop::cli
