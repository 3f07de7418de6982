"""Checks that .xmf files describe their HDF5 files the way an XDMF reader will read them.

Usage: /usr/bin/python3 check_xmf.py FILE.xmf...

For every uniform grid: each Format="HDF" DataItem names a dataset that exists with exactly the
stated Dimensions; each HyperSlab selects inside its dataset (read with h5py) and yields as many
values as its Dimensions; a JOIN yields the sum of its parts; inline XML items hold as many
numbers as their Dimensions; the geometry matches the topology (one coordinate list per axis,
fastest axis first, or an origin and a spacing per axis); every Attribute holds one value per
node (three for a Vector). Prints "ok N" (N: datasets read) or the first problem, exit status 1.
"""
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np


class Bad(Exception):
    pass


def dims(item):
    return [int(x) for x in item.get("Dimensions").split()]


def check(cond, what):
    if not cond:
        raise Bad(what)


class Checker:
    def __init__(self, path):
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path))
        self.files = {}
        self.reads = 0

    def dataset(self, text):
        name, _, inner = text.strip().partition(":")
        check(inner.startswith("/"), f"'{text.strip()}' does not name file:/dataset")
        full = os.path.join(self.base, name)
        check(os.path.isfile(full), f"'{name}' (from '{text.strip()}') does not exist")
        f = self.files.setdefault(full, h5py.File(full, "r"))
        check(inner in f, f"'{name}' has no dataset {inner}")
        return f[inner]

    def values(self, item):
        """The number of values `item` yields, after checking it."""
        n_expected = int(np.prod(dims(item)))
        if item.get("ItemType") == "HyperSlab":
            sel, data = item.findall("DataItem")
            ds = self.dataset(data.text)
            check(list(ds.shape) == dims(data),
                  f"{data.text.strip()} has shape {ds.shape}, the .xmf says {dims(data)}")
            numbers = np.array(sel.text.split(), dtype=np.int64)
            check(numbers.size == 3 * ds.ndim, f"hyperslab of {data.text.strip()}: "
                  f"{numbers.size} numbers for a rank-{ds.ndim} dataset")
            start, stride, count = numbers.reshape(3, ds.ndim)
            check(np.all(count >= 1) and np.all(start + (count - 1) * stride < ds.shape),
                  f"hyperslab start {start} count {count} is outside {data.text.strip()} "
                  f"{ds.shape}")
            block = ds[tuple(slice(s, s + (c - 1) * t + 1, t) for s, c, t in
                             zip(start, count, stride))]
            self.reads += 1
            check(block.size == n_expected, f"hyperslab of {data.text.strip()} yields "
                  f"{block.size} values but states Dimensions {dims(item)}")
            check(np.all(np.isfinite(block)), f"{data.text.strip()} holds non-finite values")
            return n_expected
        if item.get("ItemType") == "Function":
            n = sum(self.values(c) for c in item.findall("DataItem"))
            check(n == n_expected, f"function {item.get('Function')} yields {n} values, "
                  f"states {dims(item)}")
            return n
        if item.get("Format") == "HDF":
            ds = self.dataset(item.text)
            check(list(ds.shape) == dims(item),
                  f"{item.text.strip()} has shape {ds.shape}, the .xmf says {dims(item)}")
            ds[...]
            self.reads += 1
            return n_expected
        check(item.get("Format") == "XML", f"DataItem of unknown format {item.attrib}")
        n = len(item.text.split())
        check(n == n_expected, f"inline item {item.get('Name')} holds {n} numbers, states "
              f"{dims(item)}")
        return n

    def grid(self, grid):
        topo = grid.find("Topology")
        kind = topo.get("TopologyType")
        tdims = dims(topo)
        check(kind in ("2DCoRectMesh", "3DCoRectMesh", "2DRectMesh", "3DRectMesh"),
              f"topology {kind}")
        check(len(tdims) == int(kind[0]), f"{kind} with Dimensions {tdims}")
        geo = grid.find("Geometry")
        items = geo.findall("DataItem")
        gtype = geo.get("GeometryType")
        if "Co" in kind:
            check(gtype == ("ORIGIN_DXDY" if len(tdims) == 2 else "ORIGIN_DXDYDZ"),
                  f"{kind} with geometry {gtype}")
            check(len(items) == 2, f"{gtype} needs an origin and a spacing")
            for it in items:
                check(self.values(it) == len(tdims), f"{gtype} item {it.get('Name')}")
        else:
            check(gtype == ("VXVY" if len(tdims) == 2 else "VXVYVZ"),
                  f"{kind} with geometry {gtype}")
            check(len(items) == len(tdims), f"{gtype} needs {len(tdims)} coordinate lists")
            for it, n in zip(items, reversed(tdims)):  # X is the fastest axis
                check(self.values(it) == n, f"{gtype} item {it.get('Name')} for {n} nodes")
        nodes = int(np.prod(tdims))
        attributes = grid.findall("Attribute")
        check(attributes, "a grid without attributes")
        for att in attributes:
            per = 3 if att.get("AttributeType") == "Vector" else 1
            n = self.values(att.find("DataItem"))
            check(n == per * nodes, f"attribute {att.get('Name')} holds {n} values for "
                  f"{nodes} nodes")

    def run(self):
        root = ET.parse(self.path).getroot()
        grids = [g for g in root.iter("Grid") if g.get("GridType") != "Collection"]
        check(grids, "no uniform grid")
        for g in grids:
            self.grid(g)
        return self.reads


def main():
    total = 0
    for path in sys.argv[1:]:
        try:
            total += Checker(path).run()
        except Bad as e:
            print(f"{path}: {e}")
            return 1
    print(f"ok {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
