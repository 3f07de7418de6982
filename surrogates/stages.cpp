#include "surrogates/stages.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include "surrogates/model.hpp"
#include "surrogates/rollout.hpp"
#include "surrogates/trainer.hpp"

namespace eddyop::surrogates {

std::vector<config::Section> surrogate_sections() {
  return {model_section(), train_section(), rollout_section()};
}

void run_train(const config::Case& c, const std::string& run_dir) {
  const TrainResult r = train(c, run_dir, MPI_COMM_WORLD);
  spdlog::info("train: {} epochs; last checkpoint {}, best {} (loss {:.4e}), metrics {}", r.epochs,
               r.last_checkpoint, r.best_checkpoint, r.best_valid_loss, r.metrics);
}

void run_rollout(const config::Case& c, const std::string& run_dir) {
  const RolloutResult r = rollout(c, run_dir, MPI_COMM_WORLD);
  if (r.stopped)
    spdlog::warn("rollout: {} predicted steps kept in {} (stopped at step {}: {})", r.predicted,
                 r.path, r.stop_step, r.cause);
  else
    spdlog::info("rollout: {} predicted steps in {}", r.predicted, r.path);
}

}  // namespace eddyop::surrogates
