// Optimisers, clipping and schedules against PyTorch 1.13 (tests/data/optimizer_v1.h5, written by
// scripts/make_optimizer_fixture.py), Lion against its formula, warmup + cosine against hand
// values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/hdf5/reader.hpp"
#include "surrogates/optimizer.hpp"
#include "surrogates/schedule.hpp"

namespace eddyop::surrogates {
namespace {

using tensor::Shape;
using tensor::TensorT;

std::string fixture() {
  const char* src = std::getenv("EDDYOP_SOURCE_DIR");
  return std::string(src ? src : ".") + "/tests/data/optimizer_v1.h5";
}

Data<float> device(const std::vector<float>& v) {
  Data<float> d("test", v.size());
  tensor::from_host(TensorT<float>(Shape{static_cast<Index>(v.size())}, d), v);
  return d;
}

std::vector<float> host(const Data<float>& d) {
  return tensor::to_host(TensorT<float>(Shape{static_cast<Index>(d.extent(0))}, d));
}

// PyTorch's vectorised kernels fuse some multiply-adds (AVX2 FMA) where ours round each
// operation, so the two differ by about an ulp of the terms of each operation: of the parameter
// and its update for p, of b1 m and (1 - b1) g for m (which may cancel, so the bound is on the
// largest |g| seen, not on m), of g^2 for v. 4e-7 (~3 ulp) of those scales, accumulated over 6
// steps, holds; a wrong bias correction, eps placement or decay order is off by 1e-3 or more.
void expect_close(const std::vector<float>& ours, const std::vector<float>& ref, double rtol,
                  const std::vector<double>& scale, const std::string& what) {
  ASSERT_EQ(ours.size(), ref.size()) << what;
  for (size_t i = 0; i < ours.size(); ++i)
    EXPECT_NEAR(ours[i], ref[i], rtol * std::max(std::abs(double(ref[i])), scale[i]))
        << what << " [" << i << "]";
}

void expect_parity(const std::string& name, OptimizerKind kind) {
  h5::Reader in(fixture());
  std::vector<float> p0, grads, params, m, v;
  std::vector<double> lrs;
  in.read_field(p0, name + "_initial");
  in.read_field(grads, name + "_grads");
  in.read_field(params, name + "_params");
  in.read_field(m, name + "_exp_avg");
  in.read_field(v, name + "_exp_avg_sq");
  in.read_field(lrs, name + "_lr");
  const std::string f = h5::field_path(name + "_initial");
  OptimizerOptions o;
  o.kind = kind;
  o.beta1 = in.read_double(f, "beta1");
  o.beta2 = in.read_double(f, "beta2");
  o.eps = in.read_double(f, "eps");
  o.weight_decay = in.read_double(f, "weight_decay");
  const auto n = p0.size();
  Optimizer opt(o, static_cast<Index>(n));
  Data<float> p = device(p0);
  std::vector<double> g_max(n, 0.0), g2_max(n, 0.0), update(n, 0.0);
  for (size_t s = 0; s < lrs.size(); ++s) {
    for (size_t i = 0; i < n; ++i) {
      g_max[i] = std::max(g_max[i], std::abs(double(grads[s * n + i])));
      g2_max[i] = g_max[i] * g_max[i];
      update[i] = lrs[s] * 10;  // |m / (sqrt(v) + eps)| < 1 / (1 - b1) after bias correction
    }
    Data<float> g =
        device(std::vector<float>(grads.begin() + long(s * n), grads.begin() + long((s + 1) * n)));
    opt.step(p, g, lrs[s]);
    auto slice = [&](const std::vector<float>& a) {
      return std::vector<float>(a.begin() + long(s * n), a.begin() + long((s + 1) * n));
    };
    const std::string at = name + " step " + std::to_string(s + 1);
    expect_close(host(p), slice(params), 4e-7, update, at + " params");
    expect_close(host(opt.exp_avg()), slice(m), 4e-7, g_max, at + " exp_avg");
    expect_close(host(opt.exp_avg_sq()), slice(v), 4e-7, g2_max, at + " exp_avg_sq");
  }
  EXPECT_EQ(opt.steps(), static_cast<long long>(lrs.size()));
}

TEST(OptimizerParity, AdamWithL2MatchesPyTorch) {
  expect_parity("adam", OptimizerKind::adam);
}
TEST(OptimizerParity, AdamWMatchesPyTorch) {
  expect_parity("adamw", OptimizerKind::adamw);
}

TEST(OptimizerParity, ClipGradNormMatchesPyTorch) {
  h5::Reader in(fixture());
  std::vector<float> g, clipped;
  in.read_field(g, "clip_grads");
  in.read_field(clipped, "clip_clipped");
  const std::string f = h5::field_path("clip_grads");
  Data<float> d = device(g);
  const double norm = clip_grad_norm(d, in.read_double(f, "max_norm"));
  EXPECT_NEAR(norm, in.read_double(f, "norm"), 1e-6 * norm);
  expect_close(host(d), clipped, 2e-7, std::vector<double>(g.size(), 0.0), "clipped");
  // Below the bound nothing changes.
  Data<float> small = device({0.1f, -0.2f});
  clip_grad_norm(small, 1.0);
  EXPECT_EQ(host(small), (std::vector<float>{0.1f, -0.2f}));
}

TEST(Lion, FollowsItsFormula) {
  // One parameter set by hand: c = b1 m + (1 - b1) g; p = p (1 - lr wd) - lr sign(c);
  // m = b2 m + (1 - b2) g.
  OptimizerOptions o;
  o.kind = OptimizerKind::lion;
  o.beta1 = 0.9;
  o.beta2 = 0.99;
  o.weight_decay = 0.1;
  Optimizer opt(o, 3);
  Data<float> p = device({1.0f, -2.0f, 0.5f});
  const double lr = 0.01;
  std::vector<double> pe{1.0, -2.0, 0.5}, me{0, 0, 0};
  const std::vector<std::vector<float>> gs{{0.3f, -0.1f, 0.0f}, {-0.5f, 0.2f, 0.0f}};
  for (const auto& g : gs) {
    opt.step(p, device(g), lr);
    for (size_t i = 0; i < 3; ++i) {
      const double c = 0.9 * me[i] + 0.1 * static_cast<double>(g[i]);
      pe[i] = pe[i] * (1 - lr * 0.1) - lr * (c > 0 ? 1 : (c < 0 ? -1 : 0));
      me[i] = 0.99 * me[i] + 0.01 * static_cast<double>(g[i]);
    }
    const auto ph = host(p), mh = host(opt.exp_avg());
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(ph[i], pe[i], 1e-6) << i;
      EXPECT_NEAR(mh[i], me[i], 1e-8) << i;
    }
  }
  EXPECT_FALSE(opt.has_exp_avg_sq());
}

TEST(Schedule, OneCycleMatchesPyTorchLrAndMomentum) {
  h5::Reader in(fixture());
  std::vector<double> lr, beta1;
  in.read_field(lr, "one_cycle_lr");
  in.read_field(beta1, "one_cycle_beta1");
  ScheduleOptions o;
  o.kind = ScheduleKind::one_cycle;
  o.lr = in.read_double(h5::field_path("one_cycle_lr"), "max_lr");
  o.total_steps = in.read_int(h5::field_path("one_cycle_lr"), "total_steps");
  for (size_t s = 0; s < lr.size(); ++s) {
    const ScheduleValue v = schedule_at(o, static_cast<long long>(s), 0);
    EXPECT_NEAR(v.lr, lr[s], 1e-15) << s;
    EXPECT_NEAR(v.beta1, beta1[s], 1e-14) << s;
  }
}

TEST(Schedule, StepLrMatchesPyTorch) {
  h5::Reader in(fixture());
  std::vector<double> lr;
  in.read_field(lr, "step_lr");
  ScheduleOptions o;
  o.kind = ScheduleKind::step;
  o.lr = 1e-3;
  o.step_size = 3;
  o.gamma = 0.5;
  for (size_t e = 0; e < lr.size(); ++e)
    EXPECT_NEAR(schedule_at(o, 1000, static_cast<long long>(e)).lr, lr[e], 1e-18) << e;
}

TEST(Schedule, WarmupCosineByHand) {
  ScheduleOptions o;
  o.kind = ScheduleKind::warmup_cosine;
  o.lr = 2.0;
  o.total_steps = 100;
  o.warmup = 0.1;  // 10 warmup steps
  EXPECT_DOUBLE_EQ(schedule_at(o, 0, 0).lr, 0.0);
  EXPECT_DOUBLE_EQ(schedule_at(o, 5, 0).lr, 1.0);
  EXPECT_DOUBLE_EQ(schedule_at(o, 10, 0).lr, 2.0);
  EXPECT_NEAR(schedule_at(o, 55, 0).lr, 1.0, 1e-12);  // half way through the cosine
  EXPECT_NEAR(schedule_at(o, 100, 0).lr, 0.0, 1e-12);
  EXPECT_LE(schedule_at(o, 1, 0).beta1, 0.0);  // leaves beta1 alone
}

}  // namespace
}  // namespace eddyop::surrogates
