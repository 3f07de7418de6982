// The schema of a whole case file: one section per concern, composed here from the sections
// that the components own. docs/case-files.md is generated from it (`eddyop reference`).
#pragma once

#include <string>

#include "core/config.hpp"

namespace eddyop::cli {

config::Section case_schema();

// The stages of a case, in the order `eddyop run` takes them.
inline constexpr const char* kStages[] = {"generate", "train",  "rollout", "baselines",
                                          "evaluate", "export", "plot"};

// docs/case-files.md, whole.
std::string case_reference_markdown();

}  // namespace eddyop::cli
