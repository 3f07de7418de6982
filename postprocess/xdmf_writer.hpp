// XDMF 3 (.xmf) descriptions of datasets in an HDF5 file, so that ParaView opens the HDF5 file
// directly (its XDMF readers). This writes only the XML; the HDF5 file is written elsewhere.
//
// Shapes are in storage order (LayoutRight, slowest first). XDMF takes the fastest axis as X, so a
// (nx, ny, nz) field with z fastest is shown with our z along ParaView's X and our x along its Z;
// vector components are joined in reverse (z, y, x) to agree with the axes shown. (A mirror image:
// lengths, magnitudes and Q are unchanged; a curl computed in ParaView changes sign.)
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace eddyop::postprocess {

struct XdmfAttribute {
  std::string name;                // "velocity"
  std::string dataset;             // "/fields/velocity", the path inside the HDF5 file
  std::vector<std::size_t> shape;  // the dataset's full shape, e.g. (N, T, 3, nx, ny, nz)
  // Leading axes held at one index each, e.g. {s} to show sample s of (N, T, ...) trajectories.
  std::vector<std::size_t> fixed;
  // The axis of the components in the full shape (2 above); -1: a scalar field. 3 components make
  // a Vector, other counts one Scalar each (name_0, name_1, ...).
  int component_axis = -1;
  std::string number_type = "Float";  // XDMF NumberType of the dataset
  int precision = 4;                  // bytes per value
};

enum class XdmfTopology {
  RectMesh3D,    // 3DRectMesh + VXVYVZ: coordinates for each axis (a stretched grid)
  CoRectMesh2D,  // 2DCoRectMesh + ORIGIN_DXDY: uniform, origin and spacing
  RectMesh2D,    // 2DRectMesh + VXVY: coordinates for each axis
  CoRectMesh3D   // 3DCoRectMesh + ORIGIN_DXDYDZ: uniform, origin and spacing
};

struct XdmfGrid {
  std::string hdf5_file;  // as the .xmf refers to it: relative to the .xmf's directory
  XdmfTopology topology = XdmfTopology::RectMesh3D;
  std::array<std::size_t, 3> n{{0, 0, 0}};  // nodes per spatial axis, storage order (n[2]: 3-D)
  // 3DRectMesh/2DRectMesh: the coordinate dataset of each axis (storage order: x, y, z for
  // (nx, ny, nz)), or "" to write coordinate_values[axis] into the XML instead (an axis the file
  // has no coordinate dataset for).
  std::array<std::string, 3> coordinates;
  std::array<std::vector<double>, 3> coordinate_values;
  int coordinate_precision = 8;  // bytes per coordinate (Float)
  // CoRectMesh: origin and spacing of each axis (2 used in 2-D), storage order.
  std::array<double, 3> origin{{0.0, 0.0, 0.0}}, spacing{{1.0, 1.0, 1.0}};
  // The spatial extents as the datasets store them, when they differ from the topology's `n`
  // with the same number of points (a 1-D line (n) shown as a 1 × n mesh); empty: `n`.
  std::vector<std::size_t> data_dims;
  // Empty: a single grid, and attribute shapes hold no time axis. Otherwise the first axis after
  // the fixed ones of every attribute is time with this many entries, written as a temporal
  // collection. The expected shape is: fixed axes, [time], spatial axes, with the component axis
  // (if any) inserted at component_axis.
  std::vector<double> times;
  std::vector<XdmfAttribute> attributes;
};

// Validates `grid` (every attribute's shape against the grid and the times) and writes the .xmf.
void write_xdmf(const std::string& path, const XdmfGrid& grid);

}  // namespace eddyop::postprocess
