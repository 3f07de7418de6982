// `eddyop run`: every stage of a case in order, in its run directory, skipping the stages that
// finished before with the same settings.
//
// After a stage finishes, a stamp is written to <run>/.stages/<stage>.done: a hash of the
// resolved case, the stage's name and the stamp of the stage before it. A later run skips a
// stage whose stamp matches, so that changing any setting reruns the stages from the first one
// it can affect on (conservatively: every stage, since each reads the whole case), and a run
// that stopped part way resumes at the first stage without a stamp. `--from STAGE` reruns from
// STAGE on whatever the stamps say. Rank 0 also appends the log to <run>/log.txt.
#pragma once

#include <string>

#include "eddyop/stages.hpp"

namespace eddyop::cli {

// Throws unless `from` is one of the stages the case runs (checked with the rest of the input).
void check_from_stage(const config::Case& c, const std::string& from);

// `from`: "" or the first stage to run regardless of its stamp.
int run_case(const StageContext& context, const std::string& from);

// FNV-1a, 64 bits: stable across builds and machines, unlike std::hash.
std::string stage_stamp(const std::string& resolved_case, const std::string& stage,
                        const std::string& previous);

}  // namespace eddyop::cli
