#!/usr/bin/python3
"""Writes tests/data/optimizer_v1.h5: a few steps of PyTorch's Adam and AdamW on fixed parameters
and gradients, torch.nn.utils.clip_grad_norm_, and the OneCycleLR and StepLR schedules, in
eddyop's HDF5 layout (docs/data-format.md), for tests/surrogates/test_optimizer.cpp.

Run with Debian's python3-torch (1.13): /usr/bin/python3 scripts/make_optimizer_fixture.py
"""
import os
import sys

import h5py
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
                   "optimizer_v1.h5")
N, STEPS = 37, 6


def field(f, name, data, axes, **attrs):
    d = f["fields"].create_dataset(name, data=np.asarray(data))
    d.attrs["axes"] = axes
    for k, v in attrs.items():
        d.attrs[k] = v


def run_optimizer(f, name, make, lrs):
    """`STEPS` steps on fixed gradients; lr changed before each step, as a scheduler does."""
    g = torch.Generator().manual_seed(1234)
    p0 = torch.randn(N, generator=g, dtype=torch.float32) * 0.5
    grads = torch.randn(STEPS, N, generator=g, dtype=torch.float32) * 1e-2
    grads[:, :3] = 0.0  # v stays 0 there: the update is m / eps
    grads[2, 5:9] *= 1e3  # a few large gradients
    p = torch.nn.Parameter(p0.clone())
    opt = make([p])
    params, m, v = [], [], []
    for s in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = float(lrs[s])
        p.grad = grads[s].clone()
        opt.step()
        st = opt.state[p]
        params.append(p.detach().clone().numpy())
        m.append(st["exp_avg"].clone().numpy())
        v.append(st["exp_avg_sq"].clone().numpy())
    d = opt.defaults
    attrs = dict(beta1=float(d["betas"][0]), beta2=float(d["betas"][1]), eps=float(d["eps"]),
                 weight_decay=float(d["weight_decay"]))
    field(f, name + "_initial", p0.numpy(), "parameter", **attrs)
    field(f, name + "_grads", grads.numpy(), "step,parameter")
    field(f, name + "_lr", np.asarray(lrs, dtype=np.float64), "step")
    field(f, name + "_params", np.stack(params), "step,parameter")
    field(f, name + "_exp_avg", np.stack(m), "step,parameter")
    field(f, name + "_exp_avg_sq", np.stack(v), "step,parameter")


def main():
    torch.manual_seed(0)
    with h5py.File(OUT + ".tmp", "w") as f:
        f.attrs["format"] = "eddyop"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["kind"] = "fixture"
        for g in ("fields", "grid", "physics", "provenance"):
            f.create_group(g)
        f["provenance"].attrs["generator"] = "scripts/make_optimizer_fixture.py"
        f["provenance"].attrs["torch"] = str(torch.__version__)

        lrs = [1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 1e-2]
        run_optimizer(f, "adam", lambda ps: torch.optim.Adam(ps, lr=1e-3, weight_decay=1e-2), lrs)
        run_optimizer(f, "adamw", lambda ps: torch.optim.AdamW(ps, lr=1e-3, betas=(0.8, 0.99),
                                                               weight_decay=5e-2), lrs)

        g = torch.Generator().manual_seed(7)
        grads = torch.randn(N, generator=g, dtype=torch.float32)
        p = torch.nn.Parameter(torch.zeros(N))
        p.grad = grads.clone()
        norm = torch.nn.utils.clip_grad_norm_([p], max_norm=0.5)
        field(f, "clip_grads", grads.numpy(), "parameter", max_norm=0.5, norm=float(norm))
        field(f, "clip_clipped", p.grad.numpy(), "parameter")

        # OneCycleLR (cos, defaults) and StepLR, on Adam: lr and beta1 before each of 25 steps.
        total = 25
        q = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.Adam([q], lr=1e-3)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=total)
        lr, beta1 = [], []
        for _ in range(total):
            lr.append(opt.param_groups[0]["lr"])
            beta1.append(opt.param_groups[0]["betas"][0])
            q.grad = torch.ones(1)
            opt.step()
            sched.step()
        field(f, "one_cycle_lr", np.asarray(lr), "step", max_lr=1e-3, total_steps=np.int64(total))
        field(f, "one_cycle_beta1", np.asarray(beta1), "step")

        opt = torch.optim.Adam([q], lr=1e-3)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        lr = []
        for _ in range(10):  # per epoch
            lr.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        field(f, "step_lr", np.asarray(lr), "epoch", lr=1e-3, step_size=np.int64(3), gamma=0.5)
    os.replace(OUT + ".tmp", OUT)
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    sys.exit(main())
