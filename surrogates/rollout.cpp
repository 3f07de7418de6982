#include "surrogates/rollout.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/writer.hpp"
#include "core/mpi.hpp"
#include "core/progress.hpp"
#include "core/strings.hpp"
#include "surrogates/checkpoint.hpp"
#include "surrogates/trainer.hpp"

namespace eddyop::surrogates {

using tensor::Data;
using tensor::Shape;
using tensor::Tape;
using tensor::TensorT;
using tensor::Var;

config::Section rollout_section() {
  config::Section s("rollout", "What `eddyop rollout` runs forward, from where, and for how long.");
  s.add_string("checkpoint", "train/best.h5", "Trained model, relative to the run directory.");
  s.add_string("dataset", "",
               "Initial fields (and grid, physics); '' takes the checkpoint's training dataset.");
  s.add_int_list("trajectories", {},
                 "Trajectories (sample indices) to roll out; [] takes the held-out validation "
                 "samples of training.");
  s.add_int("steps", 0, "Predicted steps; 0: to the end of the dataset's trajectories.").min(0);
  s.add_real("guard_multiple", 10.0,
             "Stop when a predicted snapshot's L2 norm exceeds this multiple of the training "
             "data's largest (or is not finite).")
      .greater_than(0.0);
  s.add_int("batch", 16, "Trajectories per forward pass.").min(1);
  s.add_string("output", "rollout/trajectory.h5",
               "Trajectory file, relative to the run directory.");
  return s;
}

namespace {

std::vector<std::string> split_axes(const std::string& axes) {
  std::vector<std::string> out;
  std::stringstream ss(axes);
  std::string a;
  while (std::getline(ss, a, ',')) out.push_back(a);
  return out;
}

// One predicted step of b trajectories: x (b, k C, P) physical -> y (b, C, P) physical.
void predict(std::vector<float>& y, Model& model, const Normaliser& in_norm,
             const Normaliser& out_norm, const std::vector<float>& window, Index b,
             const Dataset& data, Tape<float>& tape) {
  const Index k = data.options().window, C = data.out_step_channels();
  std::vector<Index> xs{b, k * C};
  for (Index s : data.spatial()) xs.push_back(s);
  std::vector<float> x = window;
  in_norm.encode(x.data(), b, k);
  TensorT<float> xt = TensorT<float>::zeros(Shape(xs), "eddyop::rollout::x");
  tensor::from_host(xt, x);
  tape.reset();
  Var<float> out = model.forward(tape, tape.input(xt));  // (b, C, S...) normalised
  y = tensor::to_host(out->value);
  out_norm.decode(y.data(), b);
}

void write_trajectory(const RolloutOptions& o, const RolloutResult& r, Dataset& data,
                      const std::vector<float>& mine /* (n_mine, T_out, C, P) */, Index first,
                      Index n_mine, Index t_out, MPI_Comm comm) {
  const h5::Reader& in = data.reader();
  const Index P = data.points(), C = data.out_step_channels();
  const auto n = static_cast<std::int64_t>(o.trajectories.size());
  h5::Writer w(o.output, "trajectory", comm);
  Index c0 = 0;
  for (const FieldLayout& f : data.output_layout()) {
    const auto axes = split_axes(f.axes);
    std::string out_axes = "trajectory,time";
    h5::Shape shape{n, t_out};
    for (size_t a = 2; a < axes.size(); ++a) {
      out_axes += "," + axes[a];
      shape.push_back(f.shape[a]);
    }
    w.create_field(f.name, h5::DType::kFloat32, out_axes, shape);
    std::vector<float> part(static_cast<size_t>(n_mine * t_out * f.channels * P));
    for (Index i = 0; i < n_mine * t_out; ++i)
      std::copy_n(mine.data() + (i * C + c0) * P, f.channels * P, part.data() + i * f.channels * P);
    w.write_slab(f.name, part.data(), first, n_mine);
    c0 += f.channels;
  }
  for (const auto& name : in.coordinates()) {
    std::vector<double> x = in.read_coordinate(name);
    if (name == "t" && !x.empty()) {  // the rollout's times: the dataset's, extended evenly
      const double dt = x.size() > 1 ? x[1] - x[0] : 1.0;
      std::vector<double> t(static_cast<size_t>(t_out));
      for (size_t i = 0; i < t.size(); ++i)
        t[i] = i < x.size() ? x[i] : x[0] + dt * static_cast<double>(i);
      x = t;
    }
    w.write_coordinate(name, x);
  }
  // The data's physics, less what described the solver's run (its cost, its start) rather
  // than the flow: those would be taken for the rollout's own.
  for (const auto& name : in.attribute_names(h5::kPhysicsGroup))
    if (name.rfind("cost_", 0) != 0 && name.rfind("initial_", 0) != 0)
      w.write_attribute(h5::kPhysicsGroup, name, in.read_attribute(h5::kPhysicsGroup, name));
  // The surrogate's cost per trajectory and sampling interval (one predicted step), as the
  // channel solver records its own: forward passes only, summed over the ranks.
  double cost[2] = {r.cost_cpu_s, r.cost_wall_s};
  MPI_Allreduce(MPI_IN_PLACE, cost, 2, MPI_DOUBLE, MPI_SUM, comm);
  const double intervals = static_cast<double>(std::max<Index>(1, r.predicted) * n);
  w.write_attribute(h5::kPhysicsGroup, "cost_cpu_s_per_interval", cost[0] / intervals);
  w.write_attribute(h5::kPhysicsGroup, "cost_wall_s_per_interval", cost[1] / intervals);
  w.write_attribute(h5::kPhysicsGroup, "cost_batch", static_cast<long long>(o.batch));
  std::string list;
  for (Index s : o.trajectories) list += (list.empty() ? "" : ",") + std::to_string(s);
  const char* root = h5::kRoot;
  w.write_attribute(root, "source_dataset", data.path());
  w.write_attribute(root, "checkpoint", o.checkpoint);
  w.write_attribute(root, "trajectories", list);
  w.write_attribute(root, "initial_steps", static_cast<long long>(data.options().window));
  w.write_attribute(root, "predicted_steps", static_cast<long long>(r.predicted));
  w.write_attribute(root, "stopped", static_cast<long long>(r.stopped ? 1 : 0));
  w.write_attribute(root, "stop_step", static_cast<long long>(r.stop_step));
  w.write_attribute(root, "stop_cause", r.cause);
  w.write_attribute(root, "guard_multiple", o.guard_multiple);
  w.write_attribute(root, "max_norm", o.max_norm);
  w.write_provenance(Provenance::collect(o.seed, o.config_yaml, comm));
  w.close();
}

}  // namespace

RolloutResult rollout(Model& model, const Normaliser& in_norm, const Normaliser& out_norm,
                      Dataset& data, const RolloutOptions& o, MPI_Comm comm) {
  EDDYOP_CHECK(data.time_series(), "rollout",
               "'" << data.path() << "' holds no time series (no time axis): nothing to roll out");
  const int rank = mpi::rank(comm), size = mpi::size(comm);
  const Index k = data.options().window, C = data.out_step_channels(), P = data.points();
  const Index snap = C * P, n = static_cast<Index>(o.trajectories.size());
  for (Index s : o.trajectories)
    EDDYOP_CHECK(s >= 0 && s < data.samples(), "rollout",
                 "trajectory " << s << " is not in '" << data.path() << "' (" << data.samples()
                               << " trajectories)");
  const Index steps = o.steps > 0 ? o.steps : data.times() - k;
  EDDYOP_CHECK(steps >= 1, "rollout", "no steps to predict after the window of " << k);
  // This rank's trajectories [first, first + mine).
  const Index first = n * rank / size, mine = n * (rank + 1) / size - first;
  const Index t_out = k + steps;
  std::vector<float> traj(static_cast<size_t>(mine * t_out * snap));  // (mine, T_out, C, P)
  std::vector<float> sample;
  for (Index i = 0; i < mine; ++i) {
    data.read_sample(sample, o.trajectories[static_cast<size_t>(first + i)], false);
    std::copy_n(sample.data(), k * snap, traj.data() + i * t_out * snap);
  }

  RolloutResult r;
  r.path = o.output;
  const double bound = o.guard_multiple * o.max_norm;
  Tape<float> tape(false);
  ProgressOptions po;
  po.enabled = rank == 0;
  Progress progress("rollout", steps, po);
  std::vector<float> window, y;
  for (Index j = 0; j < steps && !r.stopped; ++j) {
    const Index t = k + j;  // time index being predicted
    int bad = 0;            // 1: not finite, 2: norm above the bound
    Index bad_traj = n;
    double bad_norm = 0;
    for (Index b0 = 0; b0 < mine; b0 += o.batch) {
      const Index b = std::min(o.batch, mine - b0);
      window.resize(static_cast<size_t>(b * k * snap));
      for (Index i = 0; i < b; ++i)
        std::copy_n(traj.data() + ((b0 + i) * t_out + t - k) * snap, k * snap,
                    window.data() + i * k * snap);
      const auto wall0 = std::chrono::steady_clock::now();
      const std::clock_t cpu0 = std::clock();
      predict(y, model, in_norm, out_norm, window, b, data, tape);
      r.cost_cpu_s += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
      r.cost_wall_s +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      for (Index i = 0; i < b; ++i) {
        const float* yi = y.data() + i * snap;
        double sq = 0;
        bool finite = true;
        for (Index p = 0; p < snap; ++p) {
          finite = finite && std::isfinite(yi[p]);
          sq += static_cast<double>(yi[p]) * static_cast<double>(yi[p]);
        }
        const double norm = std::sqrt(sq);
        const int why = !finite || !std::isfinite(norm) ? 1 : (norm > bound ? 2 : 0);
        if (why && first + b0 + i < bad_traj) {
          bad = why;
          bad_traj = first + b0 + i;
          bad_norm = norm;
        }
        std::copy_n(yi, snap, traj.data() + ((b0 + i) * t_out + t) * snap);
      }
    }
    // Every rank learns the first failing trajectory of this step.
    struct {
      double traj;
      int rank;
    } local{static_cast<double>(bad_traj), rank}, global{};
    MPI_Allreduce(&local, &global, 1, MPI_DOUBLE_INT, MPI_MINLOC, comm);
    if (global.traj < static_cast<double>(n)) {
      MPI_Bcast(&bad, 1, MPI_INT, global.rank, comm);
      MPI_Bcast(&bad_norm, 1, MPI_DOUBLE, global.rank, comm);
      r.stopped = true;
      r.stop_step = j + 1;
      r.stop_trajectory = o.trajectories[static_cast<size_t>(global.traj)];
      std::ostringstream cause;
      if (bad == 1)
        cause << "not finite (NaN or Inf)";
      else
        cause << "norm " << bad_norm << " above " << o.guard_multiple << " x " << o.max_norm;
      r.cause = cause.str();
      if (rank == 0)
        spdlog::warn(
            "rollout: stopped at predicted step {} (time index {}) of trajectory {}: {}; the "
            "file keeps the {} steps before it",
            r.stop_step, t, r.stop_trajectory, r.cause, j);
      break;
    }
    r.predicted = j + 1;
    progress.update(j + 1);
  }
  progress.finish(r.stopped ? "stopped by the guard at step " + std::to_string(r.stop_step) : "");
  // Keep exactly the good steps: compact (mine, T_out, ...) to (mine, k + predicted, ...).
  const Index kept = k + r.predicted;
  std::vector<float> out(static_cast<size_t>(mine * kept * snap));
  for (Index i = 0; i < mine; ++i)
    std::copy_n(traj.data() + i * t_out * snap, kept * snap, out.data() + i * kept * snap);
  write_trajectory(o, r, data, out, first, mine, kept, comm);
  return r;
}

RolloutResult rollout(const config::Case& c, const std::string& run_dir, MPI_Comm comm) {
  const YAML::Node s = c.node("rollout");
  const std::string path = run_path(run_dir, s["checkpoint"].as<std::string>());
  Checkpoint ck = read_checkpoint(path);
  DatasetOptions d;
  const std::string dataset = s["dataset"].as<std::string>();
  d.path = dataset.empty() ? ck.dataset : run_path(run_dir, dataset);
  d.inputs = ck.inputs;
  d.outputs = ck.outputs;
  d.window = ck.window;
  d.steps = 1;
  Dataset data(d);
  EDDYOP_CHECK_HINT(data.spatial() == ck.spatial && data.in_channels() == ck.in_channels, "rollout",
                    "'" << d.path << "' does not match the grid or channels of '" << path << "'",
                    "roll out on data of the grid the model was trained on");
  // The training seed, not 0: a model's frozen non-parameters (IFactFormer's Fourier matrix) are
  // drawn from it, and only the parameters come from the checkpoint.
  auto model = make_model(YAML::Load(ck.model_yaml), ck.in_channels, ck.out_channels, ck.spatial,
                          static_cast<std::uint64_t>(ck.seed));
  auto& params = model->parameters();
  EDDYOP_CHECK(static_cast<Index>(ck.parameters.size()) == params.size(), "rollout",
               "'" << path << "' holds " << ck.parameters.size() << " parameters, the model "
                   << params.size());
  tensor::from_host(TensorT<float>(Shape{params.size()}, params.values()), ck.parameters);

  RolloutOptions o;
  for (auto t : s["trajectories"].as<std::vector<long long>>()) o.trajectories.push_back(t);
  if (o.trajectories.empty())
    for (Index i = 0; i < ck.valid_count; ++i) o.trajectories.push_back(ck.valid_first + i);
  EDDYOP_CHECK_HINT(!o.trajectories.empty(), "rollout", "no trajectories to roll out",
                    "list them in rollout.trajectories");
  o.steps = s["steps"].as<long long>();
  o.guard_multiple = s["guard_multiple"].as<double>();
  o.max_norm = ck.max_norm;
  o.batch = s["batch"].as<long long>();
  o.output = run_path(run_dir, s["output"].as<std::string>());
  o.checkpoint = path;
  o.config_yaml = c.resolved_yaml();
  o.seed = c.get<long long>("case.seed");
  if (mpi::rank(comm) == 0) {
    std::filesystem::create_directories(std::filesystem::path(o.output).parent_path());
    spdlog::info("rollout: {} trajectories of '{}' with '{}' into {}", o.trajectories.size(),
                 d.path, path, o.output);
  }
  MPI_Barrier(comm);
  return rollout(*model, ck.in_norm, ck.out_norm, data, o, comm);
}

}  // namespace eddyop::surrogates
