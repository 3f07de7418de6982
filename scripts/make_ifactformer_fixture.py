#!/usr/bin/python3
"""Writes tests/data/ifactformer_parity_v1.bin: small IFactFormer-m and IFactFormer-o in PyTorch,
written here from ../shared/models/ifactformer.md (our transcription, not the authors' code), with
seeded weights, the frozen Fourier matrix, input, output, relative-L2 loss and every parameter
gradient, for tests/operators/test_ifactformer_parity.cpp. Records of the two variants carry the
prefixes "m/" and "o/".

Run with Debian's torch: /usr/bin/python3 scripts/make_ifactformer_fixture.py

File format: as scripts/make_fno_fixture.py (magic b"EDDYOPFX", version 1, named float32 records).
Wq and Wk are drawn with gain 1 here instead of the reference's 0.02, so that the kernels are
O(1) and the attention path, not InstanceNorm's eps, decides the output.
"""
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

VERSION = 1
B, CIN, COUT, X, Y, Z = 2, 3, 3, 5, 4, 3
DIM, HEADS, DH, KF, L, LIFT, NF, SIGMA, OUTH, ROT = 8, 2, 4, 3, 3, 6, 5, 8.0, 6, 64.0
DOMAIN = (4 * math.pi, 2.0, 4 * math.pi / 3)


def coords(a, n):
    return torch.linspace(0, DOMAIN[a], n, dtype=torch.float64)


def rotary(t, pos):  # t (B, H, n, D), pos (n)
    d = t.shape[-1]
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    freqs = torch.einsum("i,j->ij", pos * ROT, inv)
    freqs = torch.cat((freqs, freqs), dim=-1).float()
    x1, x2 = t[..., : d // 2], t[..., d // 2:]
    return t * freqs.cos() + torch.cat((-x2, x1), dim=-1) * freqs.sin()


class Axis(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(DIM, DIM, bias=False)
        self.norm = nn.LayerNorm(DIM)
        self.mlp1 = nn.Linear(DIM, 2 * DIM)
        self.mlp2 = nn.Linear(DIM, DIM)
        self.to_q = nn.Linear(DIM, HEADS * KF * DH, bias=False)
        self.to_k = nn.Linear(DIM, HEADS * KF * DH, bias=False)
        nn.init.xavier_uniform_(self.to_q.weight, gain=1.0)
        nn.init.xavier_uniform_(self.to_k.weight, gain=1.0)

    def forward(self, u2, a):  # u2 (B, X, Y, Z, C) -> kernel (B, H, n, n)
        dims = [d for d in (1, 2, 3) if d != a + 1]
        s = self.mlp1(self.norm(self.inp(u2.mean(dim=dims))))
        c = s.shape[-1] // 2
        s = self.mlp2(F.gelu(s[..., :c]) * s[..., c:])
        n = s.shape[1]
        q = self.to_q(s).reshape(B, n, HEADS, KF * DH).permute(0, 2, 1, 3)
        k = self.to_k(s).reshape(B, n, HEADS, KF * DH).permute(0, 2, 1, 3)
        pos = coords(a, n)
        return rotary(q, pos) @ rotary(k, pos).transpose(-1, -2)


class Block(nn.Module):
    def __init__(self, chained):
        super().__init__()
        self.chained = chained
        self.norm = nn.LayerNorm(DIM)
        self.to_v = nn.Linear(DIM, HEADS * DH, bias=False)
        self.to_in = nn.Linear(DIM, DIM, bias=False)
        self.ax0, self.ax1, self.ax2 = Axis(), Axis(), Axis()
        cz = HEADS * DH if chained else 3 * HEADS * DH
        self.out1 = nn.Linear(cz, DIM, bias=False)
        self.out2 = nn.Linear(DIM, DIM, bias=False)

    def forward(self, h):  # h (B, X, Y, Z, C)
        u = self.norm(h)
        v = self.to_v(u).reshape(B, X, Y, Z, HEADS, DH)
        u2 = self.to_in(u)
        kx, ky, kz = (getattr(self, f"ax{a}")(u2, a) for a in range(3))
        if self.chained:
            w = torch.einsum("bhil,blyzhc->biyzhc", kx, v)
            w = torch.einsum("bhjl,bxlzhc->bxjzhc", ky, w)
            w = torch.einsum("bhkl,bxylhc->bxykhc", kz, w)
            z = w.reshape(B, X, Y, Z, HEADS * DH)
        else:
            ux = torch.einsum("bhil,blyzhc->biyzhc", kx, v)
            uy = torch.einsum("bhjl,bxlzhc->bxjzhc", ky, v)
            uz = torch.einsum("bhkl,bxylhc->bxykhc", kz, v)
            z = torch.cat((ux, uy, uz), dim=-1).reshape(B, X, Y, Z, 3 * HEADS * DH)
        zc = z.reshape(B, X * Y * Z, -1).transpose(1, 2)
        zc = F.instance_norm(zc, eps=1e-5).transpose(1, 2)
        return self.out2(F.gelu(self.out1(zc))).reshape(B, X, Y, Z, DIM)


class IFactFormer(nn.Module):
    def __init__(self, chained):
        super().__init__()
        self.lift0 = nn.Conv3d(CIN, LIFT, 1, groups=CIN)
        self.lift1 = nn.Conv3d(LIFT, DIM, 1, bias=False)
        self.pe = nn.Linear(2 * NF, DIM)
        self.block = Block(chained)
        self.out0 = nn.Conv3d(DIM, OUTH, 1, bias=False)
        self.out1 = nn.Conv3d(OUTH, COUT, 1)
        self.register_buffer("bg", SIGMA * torch.randn(3, NF))

    def forward(self, x):  # x (B, CIN, X, Y, Z)
        h = self.lift1(F.gelu(self.lift0(x))).permute(0, 2, 3, 4, 1)
        P = torch.stack(torch.meshgrid(coords(0, X), coords(1, Y), coords(2, Z), indexing="ij"), -1)
        f = 2 * math.pi * P @ self.bg.double()
        h = h + self.pe(torch.cat((f.sin(), f.cos()), dim=-1).float())
        for _ in range(L):
            h = h + self.block(h) / L
        return self.out1(F.gelu(self.out0(h.permute(0, 4, 1, 2, 3))))


def main():
    torch.manual_seed(20250107)
    x = torch.randn(B, CIN, X, Y, Z)
    target = torch.sin(2 * x) + 0.1 * torch.randn(B, COUT, X, Y, Z)
    records = [("x", x), ("target", target)]
    for tag, chained in (("m", False), ("o", True)):
        model = IFactFormer(chained)
        # LayerNorm affine away from (1, 0), so that its gradients and use are both tested.
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "norm" in name:
                    p.add_(0.2 * torch.randn_like(p))
        y = model(x)
        diff = (y - target).reshape(B, -1).norm(dim=1)
        loss = (diff / target.reshape(B, -1).norm(dim=1)).mean()
        loss.backward()
        records += [(f"{tag}/y", y), (f"{tag}/loss", loss.reshape(1)), (f"{tag}/bg", model.bg)]
        for name, p in model.named_parameters():
            shape = (p.shape[0], p.shape[1]) if p.dim() == 5 else p.shape  # 1x1 convs as matrices
            records.append((f"{tag}/param/{name}", p.reshape(shape)))
            records.append((f"{tag}/grad/{name}", p.grad.reshape(shape)))
        print(f"{tag}: loss {loss.item():.6f}, {sum(p.numel() for p in model.parameters())} "
              "parameters", file=sys.stderr)
    out = Path(__file__).resolve().parent.parent / "tests" / "data" / f"ifactformer_parity_v{VERSION}.bin"
    with open(out, "wb") as fh:
        fh.write(b"EDDYOPFX" + struct.pack("<II", VERSION, len(records)))
        for name, t in records:
            t = t.detach().contiguous().float()
            fh.write(struct.pack("<I", len(name)) + name.encode())
            fh.write(struct.pack("<I", t.dim()) + struct.pack(f"<{t.dim()}q", *t.shape))
            fh.write(t.numpy().astype("<f4").tobytes())
    print(f"wrote {out} ({out.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
