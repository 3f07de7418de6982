"""Opens a ParaView .pvd collection with VTK's own readers, as ParaView does.

Usage: read_pvd.py FILE.pvd [ARRAY ...]
Every DataSet entry must name an existing file that VTK reads with points, the velocity as a
3-component array and each ARRAY given; the TimeValue in each file's field data must equal the
timestep of its entry. Prints one line per file; exits 1 on the first problem.
"""
import os
import sys
import xml.etree.ElementTree as ET

import vtk

READERS = {
    ".vtr": vtk.vtkXMLRectilinearGridReader,
    ".vti": vtk.vtkXMLImageDataReader,
    ".vtu": vtk.vtkXMLUnstructuredGridReader,
    ".vtp": vtk.vtkXMLPolyDataReader,
    ".pvtr": vtk.vtkXMLPRectilinearGridReader,
    ".pvti": vtk.vtkXMLPImageDataReader,
}


def fail(msg):
    print("read_pvd: " + msg)
    sys.exit(1)


def main():
    pvd, wanted = sys.argv[1], sys.argv[2:]
    root = ET.parse(pvd).getroot()
    if root.get("type") != "Collection":
        fail(f"{pvd}: VTKFile type is {root.get('type')}, not Collection")
    entries = root.findall("./Collection/DataSet")
    if not entries:
        fail(f"{pvd}: no DataSet entries")
    base = os.path.dirname(pvd)
    for e in entries:
        path = os.path.join(base, e.get("file"))
        ext = os.path.splitext(path)[1]
        if not os.path.isfile(path):
            fail(f"{pvd} names {path}, which does not exist")
        if ext not in READERS:
            fail(f"{path}: no VTK reader for {ext}")
        reader = READERS[ext]()
        reader.SetFileName(path)
        reader.Update()
        data = reader.GetOutput()
        if data is None or data.GetNumberOfPoints() == 0:
            fail(f"{path}: VTK read no points")
        pd = data.GetPointData()
        vec = pd.GetVectors()
        if vec is None or vec.GetNumberOfComponents() != 3:
            fail(f"{path}: no 3-component active vectors")
        for name in wanted:
            if pd.GetArray(name) is None:
                have = [pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())]
                fail(f"{path}: no point array '{name}' (has {have})")
        tv = data.GetFieldData().GetArray("TimeValue")
        if tv is None:
            fail(f"{path}: no TimeValue in its field data")
        if abs(tv.GetValue(0) - float(e.get("timestep"))) > 1e-6 * max(1.0, abs(tv.GetValue(0))):
            fail(f"{path}: TimeValue {tv.GetValue(0)} but the .pvd says {e.get('timestep')}")
        print(f"{path}: {data.GetNumberOfPoints()} points, vectors '{vec.GetName()}', "
              f"t = {tv.GetValue(0)}")


if __name__ == "__main__":
    main()
