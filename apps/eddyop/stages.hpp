// The stages a case goes through, and what each needs. A stage that is not built yet says so
// plainly: it never pretends to have run.
#pragma once

#include <string>

#include "core/config.hpp"

namespace eddyop::cli {

struct StageContext {
  const config::Case& case_;
  std::string run_dir;
  int rank = 0;
  int size = 1;
};

enum class StageResult { done, not_built };

struct Stage {
  const char* name;
  const char* summary;
  // Null until the stage is built.
  StageResult (*run)(const StageContext& context);
};

// Every stage of kStages, in order; throws eddyop::Error on an unknown name.
const Stage& stage(const std::string& name);

}  // namespace eddyop::cli
