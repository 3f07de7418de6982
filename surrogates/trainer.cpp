#include "surrogates/trainer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/mpi.hpp"
#include "core/progress.hpp"
#include "operators/ops.hpp"
#include "surrogates/checkpoint.hpp"
#include "surrogates/dataset.hpp"
#include "surrogates/loss.hpp"
#include "surrogates/model.hpp"
#include "surrogates/normaliser.hpp"
#include "surrogates/optimizer.hpp"
#include "surrogates/schedule.hpp"

namespace eddyop::surrogates {

namespace fs = std::filesystem;
using tensor::Data;
using tensor::Shape;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;

config::Section train_section() {
  config::Section s("train", "What `eddyop train` fits, on which data, and how.");
  s.add_string("dataset", "data/dataset.h5",
               "Dataset in eddyop's HDF5 layout, relative to the run directory unless absolute.");
  s.add_string_list("inputs", {}, "Fields the model takes, in channel order (e.g. [a]).");
  s.add_string_list("outputs", {},
                    "Fields the model predicts (e.g. [u]); for time series the same as inputs.");
  s.add_int("window", 1, "Time series: input steps k (the model sees steps t-k+1 .. t).").min(1);
  s.add_int("steps", 1,
            "Time series: steps m predicted autoregressively per pair (unrolled "
            "training, losses summed over the steps).")
      .min(1);
  s.add_int("train_samples", 0,
            "Samples (trajectories) 0 .. n-1 train; 0: all that are not validation samples.")
      .min(0);
  s.add_int("valid_samples", -1,
            "The last n samples validate (-1: the dataset's test_samples, else a tenth; 0: none).")
      .min(-1);
  s.add_int("batch", 20, "Pairs per optimiser step (over all ranks).").min(1);
  s.add_int("epochs", 500, "Passes over the training pairs.").min(1);
  s.add_string("optimizer", "adam", "adam (L2 weight decay), adamw (decoupled), lion.")
      .choices({"adam", "adamw", "lion"});
  s.add_real("lr", 1e-3, "Learning rate (one_cycle: the peak).").greater_than(0.0);
  s.add_real("weight_decay", 1e-4, "Weight decay (Adam: L2 on the gradient).").min(0.0);
  s.add_real_list("betas", {0.9, 0.999}, "beta1, beta2 (Lion: 0.9, 0.99 in its paper).");
  s.add_real("eps", 1e-8, "Adam's epsilon, added to the bias-corrected sqrt(v).").greater_than(0.0);
  s.add_string("schedule", "step", "Learning-rate schedule.")
      .choices({"none", "step", "one_cycle", "warmup_cosine"});
  s.add_int("step_size", 100, "step: epochs between decays.").min(1);
  s.add_real("gamma", 0.5, "step: factor of each decay.").greater_than(0.0);
  s.add_real("pct_start", 0.3, "one_cycle: fraction of the steps spent rising.")
      .greater_than(0.0)
      .less_than(1.0);
  s.add_real("div_factor", 25.0, "one_cycle: the first lr is lr / div_factor.").greater_than(0.0);
  s.add_real("final_div_factor", 1e4, "one_cycle: the last lr is the first / final_div_factor.")
      .greater_than(0.0);
  s.add_bool("cycle_momentum", true, "one_cycle: cycle beta1 between 0.95 and 0.85 (PyTorch).");
  s.add_real("warmup", 0.05, "warmup_cosine: fraction of the steps spent warming up.")
      .min(0.0)
      .less_than(1.0);
  s.add_real("clip", 0.0, "Largest global gradient norm (0: no clipping).").min(0.0);
  s.add_string("loss", "rel_l2", "Loss in physical units: rel_l2, mse, h1 (spectral).")
      .choices({"rel_l2", "mse", "h1"});
  s.add_string("reduction", "sum",
               "Over the batch: sum (the FNO scripts) or mean (IFactFormer, MSELoss).")
      .choices({"sum", "mean"});
  s.add_string("normaliser", "pointwise", "Gaussian normaliser fitted on the training split.")
      .choices({"none", "channel", "pointwise"});
  s.add_int("checkpoint_every", 1, "Epochs between writes of the last checkpoint.").min(1);
  s.add_string("checkpoint_dir", "train", "Checkpoints and metrics.jsonl, relative to the run.");
  s.add_string("resume", "",
               "Continue from a checkpoint: 'last' (checkpoint_dir/last.h5) or a path; '' starts "
               "afresh.");
  s.add_int("stop_after", 0, "Stop this run after this many epochs (0: no limit); resume later.")
      .min(0);
  s.add_real("cache_mb", 1024, "Samples kept in memory after their first read (MiB).").min(0.0);
  return s;
}

std::string run_path(const std::string& run_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_relative() ? (fs::path(run_dir) / p).string() : path;
}

namespace {

std::string yaml_text(const YAML::Node& node) {
  YAML::Emitter e;
  e << node;
  return e.c_str();
}

class Trainer {
 public:
  Trainer(const config::Case& c, const std::string& run_dir, MPI_Comm comm);
  TrainResult run();

 private:
  void fit_normalisers();
  void resume(const std::string& path);
  double step(const std::vector<Index>& ids);
  double validate();
  Var<float> unrolled_loss(Tape<float>& tape, Index b, double denominator);
  void load(const std::vector<Index>& ids);
  Checkpoint checkpoint() const;
  std::pair<Index, Index> share(Index n) const;

  const config::Case& case_;
  YAML::Node t_;  // the train section
  MPI_Comm comm_;
  int rank_, size_;
  std::string dir_;
  std::unique_ptr<Dataset> data_;
  std::vector<Index> train_ids_, valid_ids_;
  Index valid_first_ = 0, valid_count_ = 0;
  Normaliser in_norm_, out_norm_;
  double max_norm_ = 0;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Optimizer> opt_;
  ScheduleOptions schedule_;
  LossKind loss_;
  bool mean_reduction_;
  double clip_;
  std::mt19937_64 rng_;
  long long epoch_ = 0, step_ = 0, best_epoch_ = -1;
  double best_valid_ = std::numeric_limits<double>::infinity();
  double lr_ = 0, grad_norm_sum_ = 0;
  Tape<float> tape_{true}, infer_{false};
  std::vector<float> hx_, hy_;  // host batch: x (b, k Cin, S...), y (m, b, Cout, S...)
  Data<float> x_, y_;           // the same on the device
};

Trainer::Trainer(const config::Case& c, const std::string& run_dir, MPI_Comm comm)
    : case_(c), t_(c.node("train")), comm_(comm), rank_(mpi::rank(comm)), size_(mpi::size(comm)) {
  dir_ = run_path(run_dir, t_["checkpoint_dir"].as<std::string>());
  DatasetOptions d;
  d.path = run_path(run_dir, t_["dataset"].as<std::string>());
  d.inputs = t_["inputs"].as<std::vector<std::string>>();
  d.outputs = t_["outputs"].as<std::vector<std::string>>();
  d.window = t_["window"].as<long long>();
  d.steps = t_["steps"].as<long long>();
  d.cache_mb = t_["cache_mb"].as<double>();
  data_ = std::make_unique<Dataset>(d);

  // Split by samples (never by windows of one trajectory, which would leak into validation).
  const Index N = data_->samples();
  Index nv = t_["valid_samples"].as<long long>();
  if (nv < 0) nv = data_->stored_test_samples() >= 0 ? data_->stored_test_samples() : (N + 9) / 10;
  Index nt = t_["train_samples"].as<long long>();
  if (nt == 0) nt = N - nv;
  EDDYOP_CHECK_HINT(nt >= 1 && nt + nv <= N, "train",
                    "'" << d.path << "' has " << N << " samples; " << nt << " training and " << nv
                        << " validation samples do not fit",
                    "set train.train_samples and train.valid_samples");
  valid_first_ = N - nv;
  valid_count_ = nv;
  train_ids_ = data_->pairs(0, nt);
  valid_ids_ = data_->pairs(valid_first_, nv);

  // The model, checked against the data before its parameters are allocated.
  model_ = make_model(c.node("model"), data_->in_channels(), data_->out_step_channels(),
                      data_->spatial(), static_cast<std::uint64_t>(c.get<long long>("case.seed")));

  OptimizerOptions o;
  o.kind = parse_optimizer(t_["optimizer"].as<std::string>());
  const auto betas = t_["betas"].as<std::vector<double>>();
  EDDYOP_CHECK(betas.size() == 2, "train", "train.betas needs two values, got " << betas.size());
  o.beta1 = betas[0];
  o.beta2 = betas[1];
  o.eps = t_["eps"].as<double>();
  o.weight_decay = t_["weight_decay"].as<double>();
  opt_ = std::make_unique<Optimizer>(o, model_->parameters().size());

  const Index batch = t_["batch"].as<long long>();
  const auto per_epoch = static_cast<long long>((train_ids_.size() + batch - 1) / batch);
  schedule_.kind = parse_schedule(t_["schedule"].as<std::string>());
  schedule_.lr = t_["lr"].as<double>();
  schedule_.step_size = t_["step_size"].as<long long>();
  schedule_.gamma = t_["gamma"].as<double>();
  schedule_.total_steps = per_epoch * t_["epochs"].as<long long>();
  schedule_.pct_start = t_["pct_start"].as<double>();
  schedule_.div_factor = t_["div_factor"].as<double>();
  schedule_.final_div_factor = t_["final_div_factor"].as<double>();
  schedule_.cycle_momentum = t_["cycle_momentum"].as<bool>();
  schedule_.warmup = t_["warmup"].as<double>();
  loss_ = parse_loss(t_["loss"].as<std::string>());
  mean_reduction_ = t_["reduction"].as<std::string>() == "mean";
  clip_ = t_["clip"].as<double>();
  rng_.seed(static_cast<std::uint64_t>(c.get<long long>("case.seed")));

  const auto P = static_cast<size_t>(batch * data_->points());
  x_ = Data<float>("eddyop::train::x", P * static_cast<size_t>(data_->in_channels()));
  y_ = Data<float>("eddyop::train::y", P * static_cast<size_t>(data_->out_channels()));

  const std::string from = t_["resume"].as<std::string>();
  if (from.empty()) {
    fit_normalisers();
  } else {
    resume(from == "last" ? (fs::path(dir_) / "last.h5").string() : run_path(run_dir, from));
  }
  // Every rank starts from rank 0's weights (the same seed gives the same ones; this makes sure).
  if (size_ > 1)
    MPI_Bcast(model_->parameters().values().data(), static_cast<int>(model_->parameters().size()),
              MPI_FLOAT, 0, comm_);
  if (rank_ == 0)
    spdlog::info(
        "train: {} {} pairs ({} samples) for training, {} ({} samples) for validation, {} "
        "parameters, {} lr {} with schedule {}, loss {} ({}), batch {} on {} rank(s)",
        data_->path(), train_ids_.size(), nt, valid_ids_.size(), nv, model_->parameters().size(),
        optimizer_name(o.kind), schedule_.lr, t_["schedule"].as<std::string>(),
        t_["loss"].as<std::string>(), t_["reduction"].as<std::string>(), batch, size_);
}

// Gaussian statistics and the largest snapshot norm (the rollout guard's scale) over the
// training samples, in physical units.
void Trainer::fit_normalisers() {
  const NormaliserKind kind = parse_normaliser(t_["normaliser"].as<std::string>());
  const Index P = data_->points();
  in_norm_ = Normaliser(kind, data_->in_step_channels(), P);
  out_norm_ = Normaliser(kind, data_->out_step_channels(), P);
  const Index n_train = static_cast<Index>(train_ids_.size()) / data_->pairs_per_sample();
  std::vector<float> in, out;
  for (Index s = 0; s < n_train; ++s) {
    data_->read_sample(out, s, true);  // (T, Cout, S...)
    out_norm_.add(out.data(), data_->times());
    if (!data_->time_series()) {
      data_->read_sample(in, s, false);
      in_norm_.add(in.data(), data_->times());
    }
    const Index snap = data_->out_step_channels() * P;
    for (Index t = 0; t < data_->times(); ++t) {
      double sq = 0;
      for (Index i = 0; i < snap; ++i)
        sq += static_cast<double>(out[t * snap + i]) * static_cast<double>(out[t * snap + i]);
      max_norm_ = std::max(max_norm_, std::sqrt(sq));
    }
  }
  out_norm_.finish();
  if (data_->time_series())
    in_norm_ = out_norm_;  // the same fields: predictions feed back as inputs unchanged
  else
    in_norm_.finish();
}

void Trainer::resume(const std::string& path) {
  Checkpoint c = read_checkpoint(path);
  const std::string model_now = yaml_text(case_.node("model"));
  EDDYOP_CHECK_HINT(c.model_yaml == model_now &&
                        static_cast<Index>(c.parameters.size()) == model_->parameters().size(),
                    "train",
                    "'" << path << "' holds a different model (" << c.parameters.size()
                        << " parameters) than the case's (" << model_->parameters().size() << ")",
                    "resume with the model section the checkpoint was trained with");
  tensor::from_host(
      TensorT<float>(Shape{model_->parameters().size()}, model_->parameters().values()),
      c.parameters);
  tensor::from_host(TensorT<float>(Shape{model_->parameters().size()}, opt_->exp_avg()), c.exp_avg);
  if (opt_->has_exp_avg_sq()) {
    EDDYOP_CHECK(c.exp_avg_sq.size() == c.parameters.size() &&
                     c.optimizer == t_["optimizer"].as<std::string>(),
                 "train",
                 "'" << path << "' was trained with optimizer " << c.optimizer << ", not "
                     << t_["optimizer"].as<std::string>());
    tensor::from_host(TensorT<float>(Shape{model_->parameters().size()}, opt_->exp_avg_sq()),
                      c.exp_avg_sq);
  }
  opt_->restore(c.optimizer_step);
  if (c.beta1 > 0) opt_->set_beta1(c.beta1);
  std::istringstream(c.rng) >> rng_;
  epoch_ = c.epoch;
  step_ = c.step;
  best_valid_ = c.best_valid_loss;
  best_epoch_ = c.best_epoch;
  in_norm_ = c.in_norm;
  out_norm_ = c.out_norm;
  max_norm_ = c.max_norm;
  if (rank_ == 0)
    spdlog::info("train: resumed from {} after epoch {} (step {})", path, epoch_, step_);
}

std::pair<Index, Index> Trainer::share(Index n) const {
  const Index first = n * rank_ / size_, last = n * (rank_ + 1) / size_;
  return {first, last - first};
}

// Reads this rank's pairs of a batch: x normalised into x_, targets y (physical) into y_ laid
// out step by step, (m, b, Cout, S...), so that each step's target is one contiguous tensor.
void Trainer::load(const std::vector<Index>& ids) {
  const Index b = static_cast<Index>(ids.size()), m = data_->options().steps;
  const Index step_values = b * data_->out_step_channels() * data_->points();
  std::vector<float> y;
  data_->read_batch(hx_, y, ids);  // x (b, k Cin, S...), y (b, m Cout, S...)
  in_norm_.encode(hx_.data(), b, data_->options().window);
  hy_.resize(y.size());
  const Index per = data_->out_step_channels() * data_->points();
  for (Index i = 0; i < b; ++i)
    for (Index j = 0; j < m; ++j)
      std::copy_n(y.data() + (i * m + j) * per, per, hy_.data() + j * step_values + i * per);
  tensor::from_host(TensorT<float>(Shape{static_cast<Index>(hx_.size())}, x_), hx_);
  tensor::from_host(TensorT<float>(Shape{static_cast<Index>(hy_.size())}, y_), hy_);
}

// The loss of b loaded pairs, summed over the m predicted steps: each step's normalised output
// is decoded for the loss and fed back, normalised, as the newest step of the window.
Var<float> Trainer::unrolled_loss(Tape<float>& tape, Index b, double denominator) {
  const Index k = data_->options().window, m = data_->options().steps;
  const Index C = data_->out_step_channels();
  std::vector<Index> xs{b, data_->in_channels()}, ys{b, C};
  for (Index s : data_->spatial()) {
    xs.push_back(s);
    ys.push_back(s);
  }
  const Shape y_shape(ys);
  Var<float> x = tape.input(TensorT<float>(Shape(xs), x_));  // (b, k C, S...)
  Var<float> total;
  for (Index j = 0; j < m; ++j) {
    Var<float> y = model_->forward(tape, x);  // (b, C, S...) normalised
    const TensorT<float> target(
        y_shape, tensor::unmanaged(y_.data() + j * y_shape.numel(), y_shape.numel()));
    Var<float> l = loss(loss_, tape, out_norm_.decode(tape, y), target, denominator);
    total = total ? ops::add(tape, total, l) : l;
    if (j + 1 < m) x = k == 1 ? y : ops::concat(tape, {ops::slice(tape, x, 1, C, k * C), y}, 1);
  }
  return total;
}

// One optimiser step: forward, loss, backward, all-reduce, clip, step. Returns the sum of the
// per-pair losses of the whole batch (over all ranks).
double Trainer::step(const std::vector<Index>& batch) {
  const auto [first, count] = share(static_cast<Index>(batch.size()));
  const std::vector<Index> mine(batch.begin() + first, batch.begin() + first + count);
  const double denominator = mean_reduction_ ? static_cast<double>(batch.size()) : 1.0;
  tensor::ParameterSet<float>& params = model_->parameters();
  params.zero_grad();
  tape_.reset();
  double loss_sum = 0;
  if (count > 0) {
    load(mine);
    Var<float> loss = unrolled_loss(tape_, count, denominator);
    tape_.backward(loss);
    loss_sum = static_cast<double>(tensor::to_host(loss->value)[0]) * denominator;
  }
  Kokkos::fence();
  if (size_ > 1) {
    MPI_Allreduce(MPI_IN_PLACE, params.grads().data(), static_cast<int>(params.size()), MPI_FLOAT,
                  MPI_SUM, comm_);
    MPI_Allreduce(MPI_IN_PLACE, &loss_sum, 1, MPI_DOUBLE, MPI_SUM, comm_);
  }
  grad_norm_sum_ += clip_ > 0 ? clip_grad_norm(params.grads(), clip_) : global_norm(params.grads());
  const ScheduleValue s = schedule_at(schedule_, step_, epoch_);
  if (s.beta1 > 0) opt_->set_beta1(s.beta1);
  opt_->step(params.values(), params.grads(), s.lr);
  lr_ = s.lr;
  ++step_;
  return loss_sum;
}

// The mean per-pair, per-step loss over the validation pairs (no gradients).
double Trainer::validate() {
  const Index batch = t_["batch"].as<long long>();
  double sum = 0;
  for (size_t b0 = 0; b0 < valid_ids_.size(); b0 += static_cast<size_t>(batch)) {
    const std::vector<Index> ids(
        valid_ids_.begin() + static_cast<long>(b0),
        valid_ids_.begin() +
            static_cast<long>(std::min(valid_ids_.size(), b0 + static_cast<size_t>(batch))));
    const auto [first, count] = share(static_cast<Index>(ids.size()));
    if (count == 0) continue;
    infer_.reset();
    load(std::vector<Index>(ids.begin() + first, ids.begin() + first + count));
    sum += static_cast<double>(tensor::to_host(unrolled_loss(infer_, count, 1.0)->value)[0]);
  }
  if (size_ > 1) MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, comm_);
  const double n =
      static_cast<double>(valid_ids_.size() * static_cast<size_t>(data_->options().steps));
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

Checkpoint Trainer::checkpoint() const {
  Checkpoint c;
  c.model_type = case_.get<std::string>("model.type");
  c.model_yaml = yaml_text(case_.node("model"));
  c.train_yaml = yaml_text(t_);
  c.dataset = data_->path();
  c.inputs = data_->options().inputs;
  c.outputs = data_->options().outputs;
  c.window = data_->options().window;
  c.steps = data_->options().steps;
  c.in_channels = data_->in_channels();
  c.out_channels = data_->out_step_channels();
  c.spatial = data_->spatial();
  c.in_norm = in_norm_;
  c.out_norm = out_norm_;
  c.max_norm = max_norm_;
  c.valid_first = valid_first_;
  c.valid_count = valid_count_;
  c.epoch = epoch_;
  c.step = step_;
  c.optimizer = optimizer_name(opt_->options().kind);
  c.optimizer_step = opt_->steps();
  c.beta1 = opt_->options().beta1;
  std::ostringstream rng;
  rng << rng_;
  c.rng = rng.str();
  c.best_valid_loss = best_valid_;
  c.best_epoch = best_epoch_;
  auto& params = const_cast<Model&>(*model_).parameters();
  const Index P = params.size();
  c.parameters = tensor::to_host(TensorT<float>(Shape{P}, params.values()));
  c.exp_avg = tensor::to_host(TensorT<float>(Shape{P}, opt_->exp_avg()));
  if (opt_->has_exp_avg_sq())
    c.exp_avg_sq = tensor::to_host(TensorT<float>(Shape{P}, opt_->exp_avg_sq()));
  c.parameter_layout = parameter_layout(params);
  c.config_yaml = case_.resolved_yaml();
  c.seed = case_.get<long long>("case.seed");
  return c;
}

TrainResult Trainer::run() {
  const long long epochs = t_["epochs"].as<long long>();
  const long long stop_after = t_["stop_after"].as<long long>();
  const long long every = t_["checkpoint_every"].as<long long>();
  const Index batch = t_["batch"].as<long long>();
  TrainResult r;
  r.last_checkpoint = (fs::path(dir_) / "last.h5").string();
  r.best_checkpoint = (fs::path(dir_) / "best.h5").string();
  r.metrics = (fs::path(dir_) / "metrics.jsonl").string();
  if (rank_ == 0) fs::create_directories(dir_);
  MetricsWriter metrics(r.metrics, /*append=*/!t_["resume"].as<std::string>().empty(), rank_ == 0);
  ProgressOptions po;
  po.every_steps = 1;  // a line per epoch
  po.enabled = rank_ == 0;
  Progress progress("train", epochs, po);
  progress.update(epoch_);

  const double pairs =
      static_cast<double>(train_ids_.size()) * static_cast<double>(data_->options().steps);
  long long this_run = 0;
  bool first = true;
  while (epoch_ < epochs && (stop_after == 0 || this_run < stop_after)) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<Index> order = train_ids_;
    shuffle(order, rng_);
    double sum = 0;
    grad_norm_sum_ = 0;
    long long batches = 0;
    for (size_t b0 = 0; b0 < order.size(); b0 += static_cast<size_t>(batch), ++batches)
      sum += step(std::vector<Index>(
          order.begin() + static_cast<long>(b0),
          order.begin() +
              static_cast<long>(std::min(order.size(), b0 + static_cast<size_t>(batch)))));
    const double train_loss = sum / pairs;
    const double valid_loss = validate();
    ++epoch_;
    ++this_run;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EDDYOP_CHECK_HINT(std::isfinite(train_loss), "train",
                      "the training loss is " << train_loss << " in epoch " << epoch_,
                      "lower train.lr or set train.clip");
    // Best by validation loss, or by training loss when there is no validation split.
    const double score = valid_ids_.empty() ? train_loss : valid_loss;
    const bool best = score < best_valid_;
    if (best) {
      best_valid_ = score;
      best_epoch_ = epoch_;
    }
    const bool last = epoch_ == epochs || (stop_after > 0 && this_run == stop_after);
    if (rank_ == 0) {
      const Checkpoint c = (best || last || epoch_ % every == 0) ? checkpoint() : Checkpoint{};
      if (best) write_checkpoint(r.best_checkpoint, c);
      if (last || epoch_ % every == 0) write_checkpoint(r.last_checkpoint, c);
    }
    metrics.write(
        {{"epoch", epoch_},
         {"step", step_},
         {"train_loss", train_loss},
         {"valid_loss", valid_ids_.empty() ? nlohmann::json(nullptr) : nlohmann::json(valid_loss)},
         {"lr", lr_},
         {"grad_norm", grad_norm_sum_ / static_cast<double>(std::max(1LL, batches))},
         {"seconds", seconds}});
    char status[160];
    std::snprintf(status, sizeof status, "train %.4e  valid %.4e  lr %.2e  %.2fs/epoch%s",
                  train_loss, valid_loss, lr_, seconds, best ? "  best" : "");
    progress.update(epoch_, status);
    if (first) r.first_train_loss = train_loss;
    first = false;
    r.last_train_loss = train_loss;
    r.last_valid_loss = valid_loss;
  }
  progress.finish();
  MPI_Barrier(comm_);
  r.epochs = epoch_;
  r.best_valid_loss = best_valid_;
  return r;
}

}  // namespace

TrainResult train(const config::Case& c, const std::string& run_dir, MPI_Comm comm) {
  Trainer trainer(c, run_dir, comm);
  return trainer.run();
}

}  // namespace eddyop::surrogates
