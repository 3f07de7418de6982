#include "surrogates/checkpoint.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/strings.hpp"

namespace eddyop::surrogates {

namespace {

std::string join_ints(const std::vector<Index>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string a;
  while (std::getline(ss, a, ',')) out.push_back(a);
  return out;
}

void write_normaliser(h5::Writer& w, const std::string& which, const Normaliser& n) {
  w.write_attribute(h5::kRoot, "normaliser", std::string(normaliser_name(n.kind())));
  if (n.kind() == NormaliserKind::none) return;
  const h5::Shape shape{n.channels(), n.stat_points()};
  w.write_field("normaliser_" + which + "_mean", "c,point", n.mean().data(), shape);
  w.write_field("normaliser_" + which + "_std", "c,point", n.std().data(), shape);
}

Normaliser read_normaliser(const h5::Reader& r, const std::string& which, NormaliserKind kind,
                           Index channels, Index points) {
  if (kind == NormaliserKind::none) return Normaliser(kind, channels, points, {}, {});
  std::vector<double> mean, std;
  r.read_field(mean, "normaliser_" + which + "_mean");
  r.read_field(std, "normaliser_" + which + "_std");
  return Normaliser(kind, channels, points, std::move(mean), std::move(std));
}

}  // namespace

std::string parameter_layout(const tensor::ParameterSet<float>& params) {
  std::string s;
  for (const auto& e : params.entries())
    s += e.name + " " + e.var->shape().str() + " at " + std::to_string(e.offset) + "\n";
  return s;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  h5::Writer w(path, "checkpoint", MPI_COMM_SELF);
  const auto P = static_cast<std::int64_t>(c.parameters.size());
  w.write_field("parameters", "parameter", c.parameters.data(), {P});
  w.write_field("exp_avg", "parameter", c.exp_avg.data(), {P});
  if (!c.exp_avg_sq.empty()) w.write_field("exp_avg_sq", "parameter", c.exp_avg_sq.data(), {P});
  write_normaliser(w, "in", c.in_norm);
  write_normaliser(w, "out", c.out_norm);
  const char* root = h5::kRoot;
  w.write_attribute(root, "model_type", c.model_type);
  w.write_attribute(root, "model", c.model_yaml);
  w.write_attribute(root, "train", c.train_yaml);
  w.write_attribute(root, "dataset", c.dataset);
  w.write_attribute(root, "inputs", join(c.inputs, ","));
  w.write_attribute(root, "outputs", join(c.outputs, ","));
  w.write_attribute(root, "window", static_cast<long long>(c.window));
  w.write_attribute(root, "steps", static_cast<long long>(c.steps));
  w.write_attribute(root, "in_channels", static_cast<long long>(c.in_channels));
  w.write_attribute(root, "out_channels", static_cast<long long>(c.out_channels));
  w.write_attribute(root, "spatial", join_ints(c.spatial));
  w.write_attribute(root, "max_norm", c.max_norm);
  w.write_attribute(root, "valid_first", static_cast<long long>(c.valid_first));
  w.write_attribute(root, "valid_count", static_cast<long long>(c.valid_count));
  w.write_attribute(root, "epoch", c.epoch);
  w.write_attribute(root, "step", c.step);
  w.write_attribute(root, "optimizer", c.optimizer);
  w.write_attribute(root, "optimizer_step", c.optimizer_step);
  w.write_attribute(root, "beta1", c.beta1);
  w.write_attribute(root, "rng", c.rng);
  w.write_attribute(root, "best_valid_loss", c.best_valid_loss);
  w.write_attribute(root, "best_epoch", c.best_epoch);
  w.write_attribute(root, "parameter_layout", c.parameter_layout);
  Provenance p;
  p = Provenance::collect(c.seed, c.config_yaml, MPI_COMM_SELF);
  w.write_provenance(p);
  w.close();
}

Checkpoint read_checkpoint(const std::string& path) {
  h5::Reader r(path);
  r.expect_kind("checkpoint");
  const char* root = h5::kRoot;
  Checkpoint c;
  c.model_type = r.read_string(root, "model_type");
  c.model_yaml = r.read_string(root, "model");
  c.train_yaml = r.read_string(root, "train");
  c.dataset = r.read_string(root, "dataset");
  c.inputs = split(r.read_string(root, "inputs"));
  c.outputs = split(r.read_string(root, "outputs"));
  c.window = r.read_int(root, "window");
  c.steps = r.read_int(root, "steps");
  c.in_channels = r.read_int(root, "in_channels");
  c.out_channels = r.read_int(root, "out_channels");
  for (const auto& s : split(r.read_string(root, "spatial"))) c.spatial.push_back(std::stoll(s));
  c.max_norm = r.read_double(root, "max_norm");
  c.valid_first = r.read_int(root, "valid_first");
  c.valid_count = r.read_int(root, "valid_count");
  c.epoch = r.read_int(root, "epoch");
  c.step = r.read_int(root, "step");
  c.optimizer = r.read_string(root, "optimizer");
  c.optimizer_step = r.read_int(root, "optimizer_step");
  c.beta1 = r.read_double(root, "beta1");
  c.rng = r.read_string(root, "rng");
  c.best_valid_loss = r.read_double(root, "best_valid_loss");
  c.best_epoch = r.read_int(root, "best_epoch");
  c.parameter_layout = r.read_string(root, "parameter_layout");
  r.read_field(c.parameters, "parameters");
  r.read_field(c.exp_avg, "exp_avg");
  if (r.has_field("exp_avg_sq")) r.read_field(c.exp_avg_sq, "exp_avg_sq");
  Index points = 1;
  for (Index s : c.spatial) points *= s;
  const NormaliserKind kind = parse_normaliser(r.read_string(root, "normaliser"));
  const Index step_in = c.in_channels / c.window, step_out = c.out_channels;
  c.in_norm = read_normaliser(r, "in", kind, step_in, points);
  c.out_norm = read_normaliser(r, "out", kind, step_out, points);
  const Provenance p = r.read_provenance();
  c.config_yaml = p.config_yaml;
  c.seed = p.seed;
  return c;
}

}  // namespace eddyop::surrogates
