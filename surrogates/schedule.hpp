// Learning-rate schedules, as pure functions of the optimiser step (so that a resumed run needs
// no schedule state: the step and the epoch in the checkpoint say where it is).
//
//   none           lr
//   step           lr gamma^floor(epoch / step_size)              torch StepLR, stepped per epoch
//   one_cycle      torch OneCycleLR(max_lr = lr, total_steps, pct_start, anneal 'cos',
//                  div_factor, final_div_factor, three_phase False), stepped per batch; with
//                  cycle_momentum it also sets beta1 (base 0.85, max 0.95), as PyTorch does
//   warmup_cosine  lr s / W for s < W, then lr (1 + cos(pi (s - W) / (S - W))) / 2, stepped per
//                  batch (transformers' get_cosine_schedule_with_warmup); W = warmup S
#pragma once

#include <string>

namespace eddyop::surrogates {

enum class ScheduleKind { none, step, one_cycle, warmup_cosine };
ScheduleKind parse_schedule(const std::string& name);

struct ScheduleOptions {
  ScheduleKind kind = ScheduleKind::none;
  double lr = 1e-3;               // base lr; one_cycle's max_lr
  long long step_size = 100;      // step: epochs between decays
  double gamma = 0.5;             // step: decay factor
  long long total_steps = 1;      // one_cycle, warmup_cosine: optimiser steps of the whole run
  double pct_start = 0.3;         // one_cycle: fraction of the steps spent rising
  double div_factor = 25.0;       // one_cycle: initial lr = lr / div_factor
  double final_div_factor = 1e4;  // one_cycle: final lr = initial lr / final_div_factor
  bool cycle_momentum = true;     // one_cycle: beta1 from max_momentum down to base and back
  double base_momentum = 0.85, max_momentum = 0.95;
  double warmup = 0.05;  // warmup_cosine: fraction of the steps spent warming up
};

struct ScheduleValue {
  double lr;
  double beta1;  // <= 0: leave the optimiser's beta1 alone
};

// The lr (and beta1) for optimiser step `step` (0 for the first update) in epoch `epoch`.
ScheduleValue schedule_at(const ScheduleOptions& options, long long step, long long epoch);

}  // namespace eddyop::surrogates
