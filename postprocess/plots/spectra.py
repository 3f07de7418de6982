"""Spectra, log-log. A channel: 1-D spectra in x and z (outer units) at each chosen y+, rows u, v,
w, every run and MKM on each panel. A periodic box: the shell spectra, one panel per quantity
(each field's variance, the kinetic energy), every run on each panel."""
import numpy as np

from common import Stats, arguments, plt, save, style

a = arguments(__doc__)
s = Stats(a.stats)


def shell_spectra():
    names = []
    for i in range(len(s.labels)):
        for n in str(s.file.attrs.get(f"r{i}_spectra", "")).split(","):
            if n and n not in names:
                names.append(n)
    if not names:
        return
    fig, axes = plt.subplots(1, len(names), figsize=(4.8 * len(names), 4.2), squeeze=False)
    for p, name in enumerate(names):
        ax = axes[0][p]
        for i, label in enumerate(s.labels):
            e, k = s.get(f"shell_{name}", i), s.get(f"shell_{name}_k", i)
            if e is None:
                continue
            keep = (k > 0) & (e > 0)
            ax.loglog(k[keep], e[keep], label=label, **style(i))
        ax.set_title(f"{name}: {s.attr(f'shell_{name}', 'quantity', 0)}"
                     if s.get(f"shell_{name}", 0) is not None else name, fontsize=8)
        ax.set_xlabel("$|k|$")
        ax.set_ylabel("$E(|k|)$")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Shell-averaged spectra")
    fig.tight_layout()
    save(fig, a.out, "shell_spectra", a.dpi)


def line_spectra():
    targets = s.get("spectrum_y_plus_target")
    for axis in ("x", "z"):
        if s.get(f"spectrum_{axis}", 0) is None:
            continue
        n = len(targets)
        fig, axes = plt.subplots(3, n, figsize=(3.0 * n, 7.5), squeeze=False)
        for p in range(n):
            for c in range(3):
                ax = axes[c][p]
                for i, label in enumerate(s.labels):
                    e, k = s.get(f"spectrum_{axis}", i), s.get(f"spectrum_{axis}_k", i)
                    if e is None:
                        continue
                    yp = s.get(f"spectrum_{axis}_y_plus", i)[p]
                    keep = (k > 0) & (e[p, c] > 0)
                    ax.loglog(k[keep], e[p, c][keep], label=f"{label} (y+ {yp:.3g})", **style(i))
                m = s.get(f"mkm_spectrum_{axis}_p{p}")
                if m is not None:
                    keep = (m[0] > 0) & (m[1 + c] > 0)
                    ax.loglog(m[0][keep], m[1 + c][keep], "k--", lw=1, label="MKM")
                if c == 0:
                    ax.set_title(f"y+ = {targets[p]:.3g}")
                if p == 0:
                    ax.set_ylabel(f"$E_{{{'uvw'[c] * 2}}}$")
                if c == 2:
                    ax.set_xlabel(f"$k_{axis} h$")
                ax.grid(True, alpha=0.3)
        axes[0][0].legend(fontsize=6)
        fig.suptitle(f"One-dimensional spectra along {axis} (outer units)")
        fig.subplots_adjust(hspace=0.3, wspace=0.35)
        save(fig, a.out, f"spectra_{axis}", a.dpi)


if s.kind == "periodic_box":
    shell_spectra()
else:
    line_spectra()
