#include "surrogates/model.hpp"

#include "core/error.hpp"
#include "operators/models/fno.hpp"
#include "operators/models/ifactformer.hpp"

namespace eddyop::surrogates {

namespace {

class FnoModel final : public Model {
 public:
  FnoModel(const models::FnoOptions& options, std::uint64_t seed) : fno_(options, seed) {}
  tensor::Var<float> forward(tensor::Tape<float>& tape, const tensor::Var<float>& x) override {
    return fno_.forward(tape, x);
  }
  tensor::ParameterSet<float>& parameters() override { return fno_.parameters(); }

 private:
  models::Fno<float> fno_;
};

class IFactFormerModel final : public Model {
 public:
  IFactFormerModel(const models::IFactFormerOptions& options, std::uint64_t seed)
      : net_(options, seed) {}
  tensor::Var<float> forward(tensor::Tape<float>& tape, const tensor::Var<float>& x) override {
    return net_.forward(tape, x);
  }
  tensor::ParameterSet<float>& parameters() override { return net_.parameters(); }

 private:
  models::IFactFormer<float> net_;
};

}  // namespace

config::Section model_section() {
  config::Section s("model", "The neural operator that `train` fits and `rollout` runs.");
  s.add_string("type", "fno", "Model type; its settings are in the nested section of that name.")
      .choices({"fno", "ifactformer_m", "ifactformer_o"});
  s.add_section(models::fno_section());
  s.add_section(models::ifactformer_section());
  return s;
}

std::unique_ptr<Model> make_model(const YAML::Node& model, Index in_channels, Index out_channels,
                                  const std::vector<Index>& spatial, std::uint64_t seed) {
  const auto type = model["type"].as<std::string>();
  if (type == "ifactformer_m" || type == "ifactformer_o") {
    // IFactFormer (model.ifactformer): 3-D fields only, any grid (the kernels are per axis).
    EDDYOP_CHECK_HINT(
        spatial.size() == 3, "model",
        "model.type " << type << " needs 3 spatial axes, the data has " << spatial.size(),
        "use fno for 1-D and 2-D data");
    const auto o = models::ifactformer_options(model["ifactformer"], type == "ifactformer_o",
                                               in_channels, out_channels);
    return std::make_unique<IFactFormerModel>(o, seed);
  }
  EDDYOP_CHECK(
      type == "fno", "model",
      "unknown model.type '" << type << "'; the types are fno, ifactformer_m, ifactformer_o");
  models::FnoOptions o = models::fno_options(model["fno"], in_channels, out_channels);
  EDDYOP_CHECK_HINT(o.modes.size() == spatial.size(), "model",
                    "model.fno.modes has " << o.modes.size() << " entries but the data has "
                                           << spatial.size() << " spatial axes",
                    "give one mode count per spatial axis");
  for (size_t a = 0; a < spatial.size(); ++a) {
    const Index n = spatial[a] + o.padding;
    // Kept modes must fit the (padded) grid: both signs on the first axes, the half spectrum
    // on the last one (the bound of Fno::forward, checked here before anything is allocated).
    const bool last = a + 1 == spatial.size();
    EDDYOP_CHECK_HINT(last ? n > 2 * (o.modes[a] - 1) : n > 2 * o.modes[a], "model",
                      "model.fno.modes[" << a << "] = " << o.modes[a] << " does not fit axis " << a
                                         << " of " << n << " points (padding included)",
                      "lower the modes");
  }
  return std::make_unique<FnoModel>(o, seed);
}

}  // namespace eddyop::surrogates
