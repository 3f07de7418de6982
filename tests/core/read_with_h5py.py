#!/usr/bin/env python3
"""Reads an eddyop HDF5 file with h5py alone, following docs/data-format.md, and prints a JSON
summary: root attributes, each field's shape, dtype, axes and checksums, the grid, the physics
and the provenance. Exits with status 1 and a message on stderr when the file breaks the layout.

The tests of the HDF5 store run it on files written by the C++ writer, so that the documented
layout is checked by a reader that shares no code with ours.

    python3 read_with_h5py.py run.h5
"""
import json
import sys

import h5py
import numpy as np


def plain(value):
    """An attribute value as JSON can hold it: h5py gives numpy scalars, str or bytes."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def require(condition, message):
    if not condition:
        sys.stderr.write(f"read_with_h5py: {message}\n")
        sys.exit(1)


def summarise(path):
    with h5py.File(path, "r") as f:
        root = {k: plain(v) for k, v in f.attrs.items()}
        require(root.get("format") == "eddyop", f"root attribute format is {root.get('format')!r}")
        require(root.get("format_version") == 1, "root attribute format_version is not 1")
        require(isinstance(root.get("kind"), str), "root attribute kind is not a string")
        for group in ("fields", "grid", "physics", "provenance"):
            require(isinstance(f.get(group), h5py.Group), f"group /{group} is missing")

        fields = {}
        for name, ds in f["fields"].items():
            data = ds[...]
            axes = plain(ds.attrs["axes"])
            require(len(axes.split(",")) == data.ndim, f"axes of /fields/{name} do not match")
            require(data.dtype in (np.float32, np.float64), f"/fields/{name} is {data.dtype}")
            flat = data.astype(np.float64).ravel()
            fields[name] = {
                "shape": list(data.shape),
                "dtype": str(data.dtype),
                "axes": axes,
                "sum": float(flat.sum()),
                # Weighting by position catches values written in the wrong place.
                "weighted_sum": float((flat * np.arange(1, flat.size + 1)).sum()),
            }
        grid = {}
        for name, ds in f["grid"].items():
            require(ds.dtype == np.float64 and ds.ndim == 1, f"/grid/{name} is not float64 (n)")
            grid[name] = ds[...].tolist()
        physics = {k: plain(v) for k, v in f["physics"].attrs.items()}
        provenance = {k: plain(v) for k, v in f["provenance"].attrs.items()}
    return {"root": root, "fields": fields, "grid": grid, "physics": physics,
            "provenance": provenance}


if __name__ == "__main__":
    require(len(sys.argv) == 2, "usage: read_with_h5py.py FILE.h5")
    json.dump(summarise(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
