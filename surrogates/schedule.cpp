#include "surrogates/schedule.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace eddyop::surrogates {

namespace {

// torch.optim.lr_scheduler.OneCycleLR._annealing_cos
double anneal_cos(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(M_PI * pct) + 1.0);
}

ScheduleValue one_cycle(const ScheduleOptions& o, long long step) {
  const double initial = o.lr / o.div_factor, min_lr = initial / o.final_div_factor;
  // Two phases as PyTorch lays them out: end steps pct_start S - 1 and S - 1.
  const double end1 = o.pct_start * static_cast<double>(o.total_steps) - 1.0;
  const double end2 = static_cast<double>(o.total_steps) - 1.0;
  const double s = static_cast<double>(step);
  ScheduleValue v{};
  if (s <= end1) {
    const double pct = s / end1;
    v.lr = anneal_cos(initial, o.lr, pct);
    v.beta1 = anneal_cos(o.max_momentum, o.base_momentum, pct);
  } else {
    const double pct = (s - end1) / (end2 - end1);
    v.lr = anneal_cos(o.lr, min_lr, pct);
    v.beta1 = anneal_cos(o.base_momentum, o.max_momentum, pct);
  }
  if (!o.cycle_momentum) v.beta1 = 0.0;
  return v;
}

}  // namespace

ScheduleKind parse_schedule(const std::string& name) {
  if (name == "none") return ScheduleKind::none;
  if (name == "step") return ScheduleKind::step;
  if (name == "one_cycle") return ScheduleKind::one_cycle;
  if (name == "warmup_cosine") return ScheduleKind::warmup_cosine;
  EDDYOP_FAIL("schedule", "unknown schedule '"
                              << name
                              << "'; the schedules are none, step, one_cycle, warmup_cosine");
}

ScheduleValue schedule_at(const ScheduleOptions& o, long long step, long long epoch) {
  switch (o.kind) {
    case ScheduleKind::none:
      return {o.lr, 0.0};
    case ScheduleKind::step:
      return {o.lr * std::pow(o.gamma, static_cast<double>(epoch / o.step_size)), 0.0};
    case ScheduleKind::one_cycle:
      return one_cycle(o, step);
    default: {
      const long long warm = static_cast<long long>(o.warmup * static_cast<double>(o.total_steps));
      if (step < warm) return {o.lr * static_cast<double>(step) / static_cast<double>(warm), 0.0};
      const double progress = static_cast<double>(step - warm) /
                              static_cast<double>(std::max(1LL, o.total_steps - warm));
      return {o.lr * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress))), 0.0};
    }
  }
}

}  // namespace eddyop::surrogates
