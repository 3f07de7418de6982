"""Relative L2 error (per step and over the horizon) and correlation against the truth over
time, every run on one figure, with the threshold. With several trajectories the lines are the
mean over them, the shaded band runs from the lowest to the highest trajectory, and each
trajectory is drawn thin."""
import numpy as np

from common import Stats, arguments, plt, save, style

a = arguments(__doc__)
s = Stats(a.stats)
runs = [i for i in range(len(s.labels)) if s.get("error_time", i) is not None]
if runs:
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    for i in runs:
        t = s.get("error_time", i)
        each = s.get("error_rel_l2_trajectories", i)
        n = 1 if each is None else each.shape[0]
        mean = "mean of %d " % n if n > 1 else ""
        colour = style(i)["color"]
        if n > 1:
            with np.errstate(all="ignore"):
                ax.fill_between(t, np.nanmin(each, axis=0), np.nanmax(each, axis=0),
                                color=colour, alpha=0.18, lw=0)
            if n <= 20:
                for e in each:
                    ax.plot(t, e, color=colour, lw=0.5, alpha=0.5)
        ax.plot(t, s.get("error_rel_l2", i), label=f"{s.labels[i]} per step ({mean}trajectories)"
                if n > 1 else f"{s.labels[i]} per step", **style(i))
        ax.plot(t, s.get("error_horizon", i), color=colour, linestyle=":",
                label=f"{s.labels[i]} horizon")
        bx.plot(t, s.get("error_correlation", i), label=s.labels[i], **style(i))
    thr = float(s.file["physics"].attrs["error_threshold"])
    ax.axhline(thr, color="grey", lw=1, linestyle="--", label=f"threshold {thr:g}")
    ax.set_xlabel("time")
    ax.set_ylabel("relative L2 error")
    ax.set_title("Error against " + s.labels[s.truth] if s.truth >= 0 else "Error")
    ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)
    bx.set_xlabel("time")
    bx.set_ylabel("correlation")
    bx.set_title("Correlation with the truth (mean over trajectories)")
    bx.legend(fontsize=7)
    bx.grid(True, alpha=0.3)
    save(fig, a.out, "errors", a.dpi)
