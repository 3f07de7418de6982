#include "postprocess/xdmf_writer.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"

namespace eddyop::postprocess {

namespace {

std::string dims_text(const std::vector<std::size_t>& d) {
  std::ostringstream s;
  for (std::size_t i = 0; i < d.size(); ++i) s << (i ? " " : "") << d[i];
  return s.str();
}

std::string shape_text(const std::vector<std::size_t>& d) {
  return "(" + dims_text(d) + ")";
}

std::vector<std::size_t> spatial_dims(const XdmfGrid& g) {
  if (g.topology == XdmfTopology::CoRectMesh2D) return {g.n[0], g.n[1]};
  return {g.n[0], g.n[1], g.n[2]};
}

void validate(const XdmfGrid& g) {
  EDDYOP_CHECK(!g.hdf5_file.empty(), "xdmf", "no HDF5 file is named");
  const auto sd = spatial_dims(g);
  for (std::size_t n : sd)
    EDDYOP_CHECK(n >= 1, "xdmf", "the grid " << shape_text(sd) << " has an empty axis");
  if (g.topology == XdmfTopology::RectMesh3D) {
    for (std::size_t a = 0; a < 3; ++a)
      EDDYOP_CHECK_HINT(
          !g.coordinates[a].empty() && g.coordinates[a][0] == '/', "xdmf",
          "the coordinate dataset of axis " << a << " is '" << g.coordinates[a] << "'",
          "give the absolute path inside the HDF5 file, e.g. /grid/x");
  } else {
    EDDYOP_CHECK(g.spacing[0] > 0.0 && g.spacing[1] > 0.0, "xdmf",
                 "the spacing " << g.spacing[0] << ", " << g.spacing[1] << " must be positive");
  }
  EDDYOP_CHECK(!g.attributes.empty(), "xdmf", "there are no attributes to describe");
  const bool timed = !g.times.empty();
  for (const auto& a : g.attributes) {
    EDDYOP_CHECK(!a.name.empty(), "xdmf", "an attribute ('" << a.dataset << "') has no name");
    EDDYOP_CHECK_HINT(!a.dataset.empty() && a.dataset[0] == '/', "xdmf",
                      "the dataset of '" << a.name << "' is '" << a.dataset << "'",
                      "give the absolute path inside the HDF5 file, e.g. /fields/velocity");
    // Expected: fixed..., [time], spatial..., with the components at component_axis.
    const std::size_t nfixed = a.fixed.size();
    EDDYOP_CHECK(a.shape.size() >= nfixed, "xdmf",
                 "'" << a.name << "' " << a.dataset << " has shape " << shape_text(a.shape)
                     << ", fewer axes than the " << nfixed << " fixed ones");
    std::vector<std::size_t> expect(a.shape.begin(), a.shape.begin() + static_cast<long>(nfixed));
    for (std::size_t i = 0; i < nfixed; ++i)
      EDDYOP_CHECK(a.fixed[i] < a.shape[i], "xdmf",
                   "'" << a.name << "': index " << a.fixed[i] << " of axis " << i
                       << " is outside its extent " << a.shape[i]);
    if (timed) expect.push_back(g.times.size());
    for (std::size_t n : sd) expect.push_back(n);
    if (a.component_axis >= 0) {
      const auto ca = static_cast<std::size_t>(a.component_axis);
      EDDYOP_CHECK(
          ca >= nfixed + (timed ? 1 : 0) && ca <= expect.size() && ca < a.shape.size(), "xdmf",
          "'" << a.name << "': component axis " << a.component_axis << " is not a valid axis of "
              << shape_text(a.shape) << " (it must follow the fixed and time axes)");
      EDDYOP_CHECK(a.shape[ca] >= 1, "xdmf", "'" << a.name << "' has no components");
      expect.insert(expect.begin() + static_cast<long>(ca), a.shape[ca]);
    }
    EDDYOP_CHECK_HINT(a.shape == expect, "xdmf",
                      "'" << a.name << "' " << a.dataset << " has shape " << shape_text(a.shape)
                          << " but the grid" << (timed ? " and the times" : "") << " need "
                          << shape_text(expect),
                      "the dataset does not match the grid");
  }
}

struct Writer {
  const XdmfGrid& g;
  std::ostringstream x;

  std::string hdf(const std::string& dataset) const { return g.hdf5_file + ":" + dataset; }

  void topology_and_geometry(const std::string& pad) {
    const auto sd = spatial_dims(g);
    if (g.topology == XdmfTopology::RectMesh3D) {
      x << pad << "<Topology TopologyType=\"3DRectMesh\" Dimensions=\"" << dims_text(sd)
        << "\"/>\n";
      x << pad << "<Geometry GeometryType=\"VXVYVZ\">\n";
      // XDMF's X is the fastest axis: storage axis 2 first.
      for (int a = 2; a >= 0; --a) {
        x << pad << "  <DataItem Name=\""
          << "XYZ"[2 - a] << "\" Dimensions=\"" << g.n[static_cast<std::size_t>(a)]
          << "\" NumberType=\"Float\" Precision=\"" << g.coordinate_precision
          << "\" Format=\"HDF\">" << hdf(g.coordinates[static_cast<std::size_t>(a)])
          << "</DataItem>\n";
      }
      x << pad << "</Geometry>\n";
    } else {
      x << pad << "<Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"" << dims_text(sd)
        << "\"/>\n";
      x << pad << "<Geometry GeometryType=\"ORIGIN_DXDY\">\n";
      x << pad
        << "  <DataItem Name=\"Origin\" Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" "
           "Format=\"XML\">"
        << g.origin[0] << ' ' << g.origin[1] << "</DataItem>\n";
      x << pad
        << "  <DataItem Name=\"Spacing\" Dimensions=\"2\" NumberType=\"Float\" "
           "Precision=\"8\" Format=\"XML\">"
        << g.spacing[0] << ' ' << g.spacing[1] << "</DataItem>\n";
      x << pad << "</Geometry>\n";
    }
  }

  // The slab of `a` at time `t` (or none) and component `c` (or none), as spatial dims.
  void slab(const XdmfAttribute& a, long t, long c, const std::string& pad) {
    const auto sd = spatial_dims(g);
    const std::size_t rank = a.shape.size();
    if (t < 0 && c < 0 && a.fixed.empty()) {
      x << pad << "<DataItem Dimensions=\"" << dims_text(a.shape) << "\" NumberType=\""
        << a.number_type << "\" Precision=\"" << a.precision << "\" Format=\"HDF\">"
        << hdf(a.dataset) << "</DataItem>\n";
      return;
    }
    std::vector<std::size_t> start(rank, 0), stride(rank, 1), count = a.shape;
    for (std::size_t i = 0; i < a.fixed.size(); ++i) {
      start[i] = a.fixed[i];
      count[i] = 1;
    }
    if (t >= 0) {
      start[a.fixed.size()] = static_cast<std::size_t>(t);
      count[a.fixed.size()] = 1;
    }
    if (c >= 0) {
      start[static_cast<std::size_t>(a.component_axis)] = static_cast<std::size_t>(c);
      count[static_cast<std::size_t>(a.component_axis)] = 1;
    }
    x << pad << "<DataItem ItemType=\"HyperSlab\" Dimensions=\"" << dims_text(sd)
      << "\" Type=\"HyperSlab\">\n";
    x << pad << "  <DataItem Dimensions=\"3 " << rank << "\" Format=\"XML\">" << dims_text(start)
      << "  " << dims_text(stride) << "  " << dims_text(count) << "</DataItem>\n";
    x << pad << "  <DataItem Dimensions=\"" << dims_text(a.shape) << "\" NumberType=\""
      << a.number_type << "\" Precision=\"" << a.precision << "\" Format=\"HDF\">" << hdf(a.dataset)
      << "</DataItem>\n";
    x << pad << "</DataItem>\n";
  }

  void attribute(const XdmfAttribute& a, long t, const std::string& pad) {
    const auto sd = spatial_dims(g);
    if (a.component_axis < 0) {
      x << pad << "<Attribute Name=\"" << a.name
        << "\" AttributeType=\"Scalar\" Center=\"Node\">\n";
      slab(a, t, -1, pad + "  ");
      x << pad << "</Attribute>\n";
      return;
    }
    const std::size_t nc = a.shape[static_cast<std::size_t>(a.component_axis)];
    if (nc == 3) {
      std::vector<std::size_t> vd = sd;
      vd.push_back(3);
      x << pad << "<Attribute Name=\"" << a.name
        << "\" AttributeType=\"Vector\" Center=\"Node\">\n";
      x << pad << "  <DataItem ItemType=\"Function\" Function=\"JOIN($0, $1, $2)\" Dimensions=\""
        << dims_text(vd) << "\">\n";
      // Reversed, to agree with XDMF's axes (X = storage axis 2).
      for (long c = 2; c >= 0; --c) slab(a, t, c, pad + "    ");
      x << pad << "  </DataItem>\n";
      x << pad << "</Attribute>\n";
      return;
    }
    for (std::size_t c = 0; c < nc; ++c) {
      x << pad << "<Attribute Name=\"" << a.name << "_" << c
        << "\" AttributeType=\"Scalar\" Center=\"Node\">\n";
      slab(a, t, static_cast<long>(c), pad + "  ");
      x << pad << "</Attribute>\n";
    }
  }

  void uniform_grid(const std::string& name, long t, const std::string& pad) {
    x << pad << "<Grid Name=\"" << name << "\" GridType=\"Uniform\">\n";
    if (t >= 0) x << pad << "  <Time Value=\"" << g.times[static_cast<std::size_t>(t)] << "\"/>\n";
    topology_and_geometry(pad + "  ");
    for (const auto& a : g.attributes) attribute(a, t, pad + "  ");
    x << pad << "</Grid>\n";
  }
};

}  // namespace

void write_xdmf(const std::string& path, const XdmfGrid& grid) {
  validate(grid);
  Writer w{grid, {}};
  w.x << std::setprecision(17);
  w.x << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
      << "<Xdmf Version=\"3.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n  <Domain>\n";
  if (grid.times.empty()) {
    w.uniform_grid("fields", -1, "    ");
  } else {
    w.x << "    <Grid Name=\"fields\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    for (std::size_t t = 0; t < grid.times.size(); ++t) {
      char name[32];
      std::snprintf(name, sizeof name, "step_%05zu", t);
      w.uniform_grid(name, static_cast<long>(t), "      ");
    }
    w.x << "    </Grid>\n";
  }
  w.x << "  </Domain>\n</Xdmf>\n";
  write_file_atomic(path, w.x.str());
}

}  // namespace eddyop::postprocess
