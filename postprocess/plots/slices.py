"""x-y slices of one field (a velocity component, the vorticity, ...) side by side: truth, prediction and their difference
(one row per prediction), or the runs side by side when there is no truth."""
import numpy as np

from common import Stats, arguments, plt, save

a = arguments(__doc__)
s = Stats(a.stats)
runs = [i for i in range(len(s.labels)) if s.get("slice", i) is not None]


def component(i):
    """The slice's channel to draw: the one asked for when the run has it, else the first."""
    names = str(s.attr("slice", "channels", i)).split(",") if "channels" in \
        s.fields[f"r{i}_slice"].attrs else ["u", "v", "w"]
    return (names.index(a.component) if a.component in names else 0), names


c, names = component(runs[0]) if runs else (0, ["u"])
cname = names[c]
if runs:
    truth = s.truth if s.truth in runs else -1
    preds = [i for i in runs if i != truth]
    rows = [(truth, i) for i in preds] if truth >= 0 and preds else [(-1, i) for i in runs]
    ncol = 3 if truth >= 0 and preds else 1
    height = 3.6 if s.kind == "periodic_box" else 2.6  # a box is drawn to scale
    fig, axes = plt.subplots(len(rows), ncol, figsize=(4.5 * ncol, height * len(rows)),
                             squeeze=False)
    for r, (t, i) in enumerate(rows):
        x, y = s.get("slice_x", i), s.get("slice_y", i)
        step = int(s.attr("slice", "step", i))
        ci = component(i)[1].index(cname) if cname in component(i)[1] else c
        panels = [(s.get("slice", i)[ci], f"{s.labels[i]} (step {step})", "viridis")]
        if t >= 0:
            tn = component(t)[1]
            tv = s.get("slice", t)[tn.index(cname) if cname in tn else c]
            panels = [(tv, f"{s.labels[t]} (step {step})", "viridis"), panels[0],
                      (panels[0][0] - tv, f"{s.labels[i]} - {s.labels[t]}", "RdBu_r")]
        same = panels[:2] if t >= 0 else panels  # truth and prediction share one colour scale
        lo, hi = min(p[0].min() for p in same), max(p[0].max() for p in same)
        for col, (f, title, cmap) in enumerate(panels):
            ax = axes[r][col]
            if cmap == "RdBu_r":
                d = max(np.abs(f).max(), 1e-30)
                im = ax.pcolormesh(x, y, f.T, cmap=cmap, vmin=-d, vmax=d, shading="auto")
            else:
                im = ax.pcolormesh(x, y, f.T, cmap=cmap, shading="auto", vmin=lo, vmax=hi)
            fig.colorbar(im, ax=ax)
            ax.set_title(f"{cname}: {title}", fontsize=9)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            if s.kind == "periodic_box":
                ax.set_aspect("equal")
    fig.tight_layout()
    save(fig, a.out, "slices", a.dpi)
