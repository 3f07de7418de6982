"""Shared helpers of the plot scripts: arguments, the stats.h5 written by `eddyop evaluate`
(layout in docs/postprocess.md), and a headless matplotlib."""
import argparse
import os
import sys
import tempfile

if not os.access(os.environ.get("MPLCONFIGDIR", os.path.expanduser("~")), os.W_OK):
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="eddyop-mpl-")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401
import h5py  # noqa: E402
import numpy as np  # noqa: E402,F401


def arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("stats", help="stats.h5 written by eddyop evaluate")
    p.add_argument("out", help="folder of the PNGs")
    p.add_argument("--component", default="u", choices=["u", "v", "w"])
    p.add_argument("--dpi", type=int, default=110)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    return a


class Stats:
    """The runs of a stats.h5: labels and their datasets (None when absent)."""

    def __init__(self, path):
        self.file = h5py.File(path, "r")
        if self.file.attrs.get("kind") != "statistics":
            sys.exit(f"{path}: kind is {self.file.attrs.get('kind')!r}, not 'statistics'")
        self.labels = str(self.file.attrs["runs"]).split("\n")
        # "channel" (wall units, 1-D spectra) or "periodic_box" (shell spectra); older files:
        # channel.
        self.kind = str(self.file.attrs.get("dataset_kind", "channel"))
        self.truth = int(self.file.attrs["truth_run"])
        self.fields = self.file["fields"]

    def get(self, name, run=None):
        key = name if run is None else f"r{run}_{name}"
        return self.fields[key][...] if key in self.fields else None

    def attr(self, name, key, run=None):
        k = name if run is None else f"r{run}_{name}"
        return self.fields[k].attrs[key]


def save(fig, out, name, dpi):
    path = os.path.join(out, name + ".png")
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    print(path)


def style(i):
    """Line style of run i: distinct colours, dashes after the tenth."""
    return {"color": f"C{i % 10}", "linestyle": "-" if i < 10 else "--"}
