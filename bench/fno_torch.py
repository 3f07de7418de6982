#!/usr/bin/python3
"""PyTorch side of bench_fno: the same FNO-2D (64x64, width 32, modes 12, 4 layers, projection
128) timed for a training step (forward, relative-L2 loss, backward) at batch 20 and a forward
pass at batch 1, on the given number of threads. Prints `torch_train_ms`, `torch_infer_ms` and
`torch_peak_rss_mb` lines for bench_fno to read.

/usr/bin/python3 bench/fno_torch.py --threads 2 [--reps 10]

With --serve it times one step per request instead, so that bench_fno can interleave the two
sides (one of ours, one of PyTorch's, ...) and load from other processes hits both alike: it
prints `ready` after its warm-up, then answers each `train` or `infer` line on stdin with
`ms <time of that step>`, each `infer B` with one untimed forward and then the mean of B back to
back (`ms <mean>`), and `quit` with the peak-memory line.
"""
import argparse
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

S, WIDTH, MODES, LAYERS, PROJ, BATCH = 64, 32, 12, 4, 128, 20


class SpectralConv2d(nn.Module):
    def __init__(self, c, m):
        super().__init__()
        self.m = m
        self.weights1 = nn.Parameter(torch.rand(c, c, m, m, dtype=torch.cfloat) / (c * c))
        self.weights2 = nn.Parameter(torch.rand(c, c, m, m, dtype=torch.cfloat) / (c * c))

    def forward(self, x):
        b, _, nx, ny = x.shape
        x_ft = torch.fft.rfft2(x)
        out = torch.zeros(b, self.weights1.shape[1], nx, ny // 2 + 1, dtype=torch.cfloat)
        m = self.m
        out[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, :m, :m], self.weights1)
        out[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, -m:, :m], self.weights2)
        return torch.fft.irfft2(out, s=(nx, ny))


class FNO2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc0 = nn.Linear(3, WIDTH)
        self.convs = nn.ModuleList([SpectralConv2d(WIDTH, MODES) for _ in range(LAYERS)])
        self.ws = nn.ModuleList([nn.Conv2d(WIDTH, WIDTH, 1) for _ in range(LAYERS)])
        self.fc1 = nn.Linear(WIDTH, PROJ)
        self.fc2 = nn.Linear(PROJ, 1)

    def forward(self, x):
        b, nx, ny, _ = x.shape
        gx = torch.linspace(0, 1, nx).reshape(1, nx, 1, 1).repeat(b, 1, ny, 1)
        gy = torch.linspace(0, 1, ny).reshape(1, 1, ny, 1).repeat(b, nx, 1, 1)
        x = self.fc0(torch.cat((x, gx, gy), dim=-1)).permute(0, 3, 1, 2)
        for l in range(LAYERS):
            x = self.convs[l](x) + self.ws[l](x)
            if l + 1 < LAYERS:
                x = F.gelu(x)
        return self.fc2(F.gelu(self.fc1(x.permute(0, 2, 3, 1))))


def median_ms(fn, reps):
    fn()
    fn()  # warm-up: allocator caches, FFT plans
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t))
    return statistics.median(times)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(steps):
    for fn in steps.values():  # warm-up: allocator caches, FFT plans
        fn()
        fn()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, *count = line.split()
        if cmd == "quit":
            break
        if count:  # "infer B": one untimed step, then the mean of B back to back
            n = int(count[0])
            steps[cmd]()
        else:
            n = 1
        t = time.perf_counter()
        for _ in range(n):
            steps[cmd]()
        print(f"ms {1e3 * (time.perf_counter() - t) / n:.3f}", flush=True)
    print(f"torch_peak_rss_mb {peak_rss_mb():.1f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = FNO2d()
    x = torch.randn(BATCH, S, S, 1)
    target = torch.randn(BATCH, S, S, 1)

    def train_step():
        model.zero_grad(set_to_none=True)
        y = model(x)
        diff = (y - target).reshape(BATCH, -1).norm(dim=1)
        loss = (diff / target.reshape(BATCH, -1).norm(dim=1)).sum()
        loss.backward()

    x1 = x[:1].clone()

    def infer():
        with torch.no_grad():
            model(x1)

    if args.serve:
        serve({"train": train_step, "infer": infer})
        return
    train = median_ms(train_step, args.reps)
    inf = median_ms(infer, 5 * args.reps)
    print(f"torch_train_ms {train:.3f}")
    print(f"torch_infer_ms {inf:.3f}")
    print(f"torch_peak_rss_mb {peak_rss_mb():.1f}")


if __name__ == "__main__":
    main()
