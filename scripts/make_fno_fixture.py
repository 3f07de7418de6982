#!/usr/bin/python3
"""Writes tests/data/fno2d_parity_v1.bin: a small FNO-2D in PyTorch (the original configuration
of Li et al. 2020, written here from its description) with seeded weights, its input, output,
relative-L2 loss and every parameter gradient, for tests/operators/test_fno_parity.cpp.

Run with Debian's torch: /usr/bin/python3 scripts/make_fno_fixture.py

File format (little endian), version 1:
  magic b"EDDYOPFX", u32 version, u32 record count, then per record:
  u32 name length, name bytes (utf-8), u32 rank, rank x i64 sizes, float32 values (row-major).
Tensors are in PyTorch's layouts; complex spectral weights carry a trailing axis (re, im).
"""
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

VERSION = 1
B, CIN, COUT, X, Y = 2, 1, 1, 12, 10
WIDTH, MODES, LAYERS, PROJ, PAD = 6, (3, 4), 4, 16, 2


class SpectralConv2d(nn.Module):
    def __init__(self, cin, cout, m1, m2):
        super().__init__()
        self.m1, self.m2 = m1, m2
        scale = 1 / (cin * cout)
        self.weights1 = nn.Parameter(scale * torch.rand(cin, cout, m1, m2, dtype=torch.cfloat))
        self.weights2 = nn.Parameter(scale * torch.rand(cin, cout, m1, m2, dtype=torch.cfloat))

    def forward(self, x):
        b, _, nx, ny = x.shape
        x_ft = torch.fft.rfft2(x)
        out = torch.zeros(b, self.weights1.shape[1], nx, ny // 2 + 1, dtype=torch.cfloat)
        m1, m2 = self.m1, self.m2
        out[:, :, :m1, :m2] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, :m1, :m2], self.weights1)
        out[:, :, -m1:, :m2] = torch.einsum("bixy,ioxy->boxy", x_ft[:, :, -m1:, :m2], self.weights2)
        return torch.fft.irfft2(out, s=(nx, ny))


class FNO2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc0 = nn.Linear(CIN + 2, WIDTH)
        for l in range(LAYERS):
            setattr(self, f"conv{l}", SpectralConv2d(WIDTH, WIDTH, *MODES))
            setattr(self, f"w{l}", nn.Conv2d(WIDTH, WIDTH, 1))
        self.fc1 = nn.Linear(WIDTH, PROJ)
        self.fc2 = nn.Linear(PROJ, COUT)

    def forward(self, x):  # x (B, X, Y, CIN), channel-last as the reference
        b, nx, ny, _ = x.shape
        gx = torch.linspace(0, 1, nx).reshape(1, nx, 1, 1).repeat(b, 1, ny, 1)
        gy = torch.linspace(0, 1, ny).reshape(1, 1, ny, 1).repeat(b, nx, 1, 1)
        x = self.fc0(torch.cat((x, gx, gy), dim=-1)).permute(0, 3, 1, 2)
        x = F.pad(x, [0, PAD, 0, PAD])
        for l in range(LAYERS):
            x = getattr(self, f"conv{l}")(x) + getattr(self, f"w{l}")(x)
            if l + 1 < LAYERS:
                x = F.gelu(x)
        x = x[..., :nx, :ny].permute(0, 2, 3, 1)
        return self.fc2(F.gelu(self.fc1(x)))


def main():
    torch.manual_seed(20240611)
    model = FNO2d()
    x = torch.randn(B, X, Y, CIN)
    target = torch.sin(3 * x) + 0.1 * torch.randn(B, X, Y, COUT)
    y = model(x)
    # Relative L2 per sample, summed over the batch (the FNO papers' training loss).
    diff = (y - target).reshape(B, -1).norm(dim=1)
    loss = (diff / target.reshape(B, -1).norm(dim=1)).sum()
    loss.backward()

    records = [("x", x.permute(0, 3, 1, 2)), ("target", target.permute(0, 3, 1, 2)),
               ("y", y.permute(0, 3, 1, 2)), ("loss", loss.reshape(1))]
    for name, p in model.named_parameters():
        for prefix, t in (("param/", p), ("grad/", p.grad)):
            t = torch.view_as_real(t) if t.is_complex() else t
            records.append((prefix + name, t))
    out = Path(__file__).resolve().parent.parent / "tests" / "data" / f"fno2d_parity_v{VERSION}.bin"
    with open(out, "wb") as f:
        f.write(b"EDDYOPFX" + struct.pack("<II", VERSION, len(records)))
        for name, t in records:
            t = t.detach().contiguous().float()
            f.write(struct.pack("<I", len(name)) + name.encode())
            f.write(struct.pack("<I", t.dim()) + struct.pack(f"<{t.dim()}q", *t.shape))
            f.write(t.numpy().astype("<f4").tobytes())
    print(f"wrote {out} ({out.stat().st_size} bytes), loss {loss.item():.6f}", file=sys.stderr)


if __name__ == "__main__":
    main()
