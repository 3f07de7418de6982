#include "eddyop/stages.hpp"

#include <iterator>

#include "core/error.hpp"
#include "eddyop/case_schema.hpp"
#include "eddyop/generate_stage.hpp"

namespace eddyop::cli {

namespace {
// One row per stage. `run` stays null until the stage's component lands; then the row names
// the function that runs it, and nothing else in the command line changes.
const Stage kStageTable[] = {
    {"generate", "make the dataset with a solver: PDE benchmarks, channel DNS or LES",
     run_generate},
    {"train", "train the neural operator on the dataset", nullptr},
    {"rollout", "roll the trained operator forward in time", nullptr},
    {"evaluate", "compute statistics, spectra and errors of the rollout against the references",
     nullptr},
    {"export", "write ParaView files of the fields: VTK XML and .pvd", nullptr},
    {"plot", "draw the plots and write the report", nullptr},
};
static_assert(std::size(kStageTable) == std::size(kStages), "one row per stage");
}  // namespace

const Stage& stage(const std::string& name) {
  for (const auto& s : kStageTable)
    if (name == s.name) return s;
  EDDYOP_FAIL("cli", "unknown stage '" << name << "'");
}

}  // namespace eddyop::cli
