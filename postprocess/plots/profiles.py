"""U+ against y+ (semilog, viscous and log laws), rms and Reynolds shear stress profiles:
every run and MKM on one figure each."""
import sys

import numpy as np

from common import Stats, arguments, plt, save, style

MKM = "MKM 1999"


def u_plus(s, out, dpi, name="u_plus"):
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ymax = 1.0
    for i, label in enumerate(s.labels):
        yp, up = s.get("y_plus", i), s.get("u_plus", i)
        ax.semilogx(yp[1:], up[1:], label=label, **style(i))
        ymax = max(ymax, yp[-1])
    if s.get("mkm_y_plus") is not None:
        ax.semilogx(s.get("mkm_y_plus")[1:], s.get("mkm_u_plus")[1:], color="black",
                    linestyle="none", marker="o", markersize=3, label=MKM)
        ymax = max(ymax, s.get("mkm_y_plus")[-1])
    yv = np.geomspace(0.1, 12.0, 50)
    ax.semilogx(yv, yv, "k:", lw=1, label="$U^+ = y^+$")
    yl = np.geomspace(10.0, max(ymax, 30.0), 50)
    ax.semilogx(yl, np.log(yl) / 0.41 + 5.2, "k--", lw=1, label=r"$\ln(y^+)/0.41 + 5.2$")
    ax.set_xlabel("$y^+$")
    ax.set_ylabel("$U^+$")
    ax.set_title("Mean velocity")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    save(fig, out, name, dpi)


def rms(s, out, dpi, name="rms"):
    fig, ax = plt.subplots(figsize=(6, 4.5))
    names = [("u_rms_plus", "-", "$u'_{rms}$"), ("v_rms_plus", "--", "$v'_{rms}$"),
             ("w_rms_plus", ":", "$w'_{rms}$")]
    for i, label in enumerate(s.labels):
        for n, ls, sym in names:
            ax.plot(s.get("y_plus", i), s.get(n, i), color=style(i)["color"], linestyle=ls,
                    label=f"{label} {sym}")
    if s.get("mkm_y_plus") is not None:
        for n, m, sym in zip([x[0] for x in names], ["o", "s", "^"], ["u", "v", "w"]):
            ax.plot(s.get("mkm_y_plus"), s.get("mkm_" + n), "k", linestyle="none", marker=m,
                    markersize=2.5, label=f"MKM {sym}")
    ax.set_xlabel("$y^+$")
    ax.set_ylabel("rms$^+$")
    ax.set_title("RMS velocity fluctuations")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(True, alpha=0.3)
    save(fig, out, name, dpi)


def stresses(s, out, dpi, name="reynolds_stress", equilibrium=False):
    """-<u'v'>+ and the total stress of every run; with `equilibrium`, also the line 1 - y/h that
    the total stress follows at equilibrium (from the re_tau attribute of r<i>_y_plus)."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for i, label in enumerate(s.labels):
        yp = s.get("y_plus", i)
        ax.plot(yp, -s.get("uv_plus", i), label=f"{label} $-<u'v'>^+$", **style(i))
        ax.plot(yp, s.get("total_stress_plus", i), color=style(i)["color"], linestyle=":",
                label=f"{label} total")
        if equilibrium:
            ax.plot(yp, 1.0 - yp / s.attr("y_plus", "re_tau", i), color=style(i)["color"],
                    linestyle="-.", lw=0.8, label=f"{label} $1 - y/h$")
    if s.get("mkm_y_plus") is not None:
        ax.plot(s.get("mkm_y_plus"), -s.get("mkm_uv_plus"), "ko", markersize=2.5, label="MKM")
    ax.set_xlabel("$y^+$")
    ax.set_ylabel("stress$^+$")
    ax.set_title("Reynolds shear stress and total stress")
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    save(fig, out, name, dpi)


if __name__ == "__main__":
    a = arguments(__doc__)
    s = Stats(a.stats)
    if s.kind != "channel":
        sys.exit(0)  # a periodic box has no wall-normal profiles
    u_plus(s, a.out, a.dpi)
    rms(s, a.out, a.dpi)
    stresses(s, a.out, a.dpi)
