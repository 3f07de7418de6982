// Optimisers on a model's flat buffers (one loop over all parameters), with PyTorch's semantics:
//
//   Adam   (torch.optim.Adam):  g += wd p  (L2);  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//          p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)       (eps outside the sqrt,
//          after the bias correction of v)
//   AdamW  (torch.optim.AdamW): p *= 1 - lr wd  (decoupled), then the Adam update without L2
//   Lion   (Chen et al. 2023):  p *= 1 - lr wd;  p -= lr sign(b1 m + (1-b1) g);
//          m = b2 m + (1-b2) g                     (sign(0) = 0)
//
// The arithmetic is float in PyTorch's order (the coefficients computed in double and rounded to
// float where PyTorch passes a Python scalar to a float kernel), so that a step agrees with
// PyTorch's to a few units in the last place (tests/surrogates/test_optimizer.cpp).
#pragma once

#include <string>

#include "core/tensor/tensor.hpp"

namespace eddyop::surrogates {

using tensor::Data;
using tensor::Index;

enum class OptimizerKind { adam, adamw, lion };
OptimizerKind parse_optimizer(const std::string& name);  // "adam", "adamw", "lion"
const char* optimizer_name(OptimizerKind kind);

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::adam;
  double beta1 = 0.9, beta2 = 0.999;  // Lion: 0.9, 0.99
  double eps = 1e-8;                  // Adam and AdamW only
  double weight_decay = 0.0;
};

class Optimizer {
 public:
  Optimizer(const OptimizerOptions& options, Index size);

  // One update of params from grads with learning rate lr. beta1 > 0 replaces options().beta1
  // for this step and the following ones (one-cycle's momentum cycling does that, as PyTorch's
  // OneCycleLR writes the optimiser's betas).
  void step(const Data<float>& params /* (size) */, const Data<float>& grads /* (size) */,
            double lr);
  void set_beta1(double beta1) { options_.beta1 = beta1; }

  const OptimizerOptions& options() const { return options_; }
  long long steps() const { return t_; }  // updates done so far (PyTorch's state['step'])
  // The moments, for checkpoints: exp_avg (Adam, AdamW, Lion) and exp_avg_sq (Adam, AdamW).
  const Data<float>& exp_avg() const { return m_; }
  const Data<float>& exp_avg_sq() const { return v_; }
  bool has_exp_avg_sq() const { return options_.kind != OptimizerKind::lion; }
  void restore(long long steps) { t_ = steps; }

 private:
  OptimizerOptions options_;
  Index size_;
  Data<float> m_, v_;
  long long t_ = 0;
};

// Scales grads so that their global L2 norm is at most max_norm, as
// torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), applied when below 1.
// Returns the norm before clipping (summed in double).
double clip_grad_norm(const Data<float>& grads /* (n) */, double max_norm);
double global_norm(const Data<float>& values /* (n) */);

}  // namespace eddyop::surrogates
