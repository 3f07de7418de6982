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

bool two_d(const XdmfGrid& g) {
  return g.topology == XdmfTopology::CoRectMesh2D || g.topology == XdmfTopology::RectMesh2D;
}
bool rect(const XdmfGrid& g) {
  return g.topology == XdmfTopology::RectMesh3D || g.topology == XdmfTopology::RectMesh2D;
}

// The topology's dimensions, slowest first.
std::vector<std::size_t> spatial_dims(const XdmfGrid& g) {
  if (two_d(g)) return {g.n[0], g.n[1]};
  return {g.n[0], g.n[1], g.n[2]};
}

// The spatial extents of the datasets.
std::vector<std::size_t> stored_dims(const XdmfGrid& g) {
  return g.data_dims.empty() ? spatial_dims(g) : g.data_dims;
}

std::size_t product(const std::vector<std::size_t>& d) {
  std::size_t p = 1;
  for (std::size_t n : d) p *= n;
  return p;
}

void validate(const XdmfGrid& g) {
  EDDYOP_CHECK(!g.hdf5_file.empty(), "xdmf", "no HDF5 file is named");
  const auto sd = spatial_dims(g);
  for (std::size_t n : sd)
    EDDYOP_CHECK(n >= 1, "xdmf", "the grid " << shape_text(sd) << " has an empty axis");
  if (rect(g)) {
    for (std::size_t a = 0; a < sd.size(); ++a) {
      if (g.coordinates[a].empty()) {
        EDDYOP_CHECK(g.coordinate_values[a].size() == g.n[a], "xdmf",
                     "axis " << a << " has no coordinate dataset and "
                             << g.coordinate_values[a].size() << " coordinate values for its "
                             << g.n[a] << " nodes");
        continue;
      }
      EDDYOP_CHECK_HINT(
          g.coordinates[a][0] == '/', "xdmf",
          "the coordinate dataset of axis " << a << " is '" << g.coordinates[a] << "'",
          "give the absolute path inside the HDF5 file, e.g. /grid/x");
    }
  } else {
    for (std::size_t a = 0; a < sd.size(); ++a)
      EDDYOP_CHECK(g.spacing[a] > 0.0, "xdmf",
                   "the spacing " << g.spacing[a] << " of axis " << a << " must be positive");
  }
  EDDYOP_CHECK(g.data_dims.empty() || product(g.data_dims) == product(sd), "xdmf",
               "the datasets' spatial shape " << shape_text(g.data_dims) << " does not hold the "
                                              << product(sd) << " nodes of the grid "
                                              << shape_text(sd));
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
    for (std::size_t n : stored_dims(g)) expect.push_back(n);
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
    const int nd = static_cast<int>(sd.size());
    const std::string mesh = std::to_string(nd) + (rect(g) ? "DRectMesh" : "DCoRectMesh");
    x << pad << "<Topology TopologyType=\"" << mesh << "\" Dimensions=\"" << dims_text(sd)
      << "\"/>\n";
    if (rect(g)) {
      x << pad << "<Geometry GeometryType=\"" << (nd == 3 ? "VXVYVZ" : "VXVY") << "\">\n";
      // XDMF's X is the fastest axis: the last storage axis first.
      for (int a = nd - 1; a >= 0; --a) {
        const auto ua = static_cast<std::size_t>(a);
        x << pad << "  <DataItem Name=\""
          << "XYZ"[nd - 1 - a] << "\" Dimensions=\"" << g.n[ua]
          << "\" NumberType=\"Float\" Precision=\"" << g.coordinate_precision;
        if (g.coordinates[ua].empty()) {
          x << "\" Format=\"XML\">";
          for (std::size_t i = 0; i < g.coordinate_values[ua].size(); ++i)
            x << (i ? " " : "") << g.coordinate_values[ua][i];
          x << "</DataItem>\n";
        } else {
          x << "\" Format=\"HDF\">" << hdf(g.coordinates[ua]) << "</DataItem>\n";
        }
      }
      x << pad << "</Geometry>\n";
    } else {
      // Origin and spacing in the order of the dimensions (slowest first), as XDMF reads them.
      x << pad << "<Geometry GeometryType=\"" << (nd == 3 ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY")
        << "\">\n";
      x << pad << "  <DataItem Name=\"Origin\" Dimensions=\"" << nd
        << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">";
      for (int a = 0; a < nd; ++a) x << (a ? " " : "") << g.origin[static_cast<std::size_t>(a)];
      x << "</DataItem>\n";
      x << pad << "  <DataItem Name=\"Spacing\" Dimensions=\"" << nd
        << "\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">";
      for (int a = 0; a < nd; ++a) x << (a ? " " : "") << g.spacing[static_cast<std::size_t>(a)];
      x << "</DataItem>\n";
      x << pad << "</Geometry>\n";
    }
  }

  // The slab of `a` at time `t` (or none) and component `c` (or none), as spatial dims.
  void slab(const XdmfAttribute& a, long t, long c, const std::string& pad) {
    const auto sd = spatial_dims(g);
    const std::size_t rank = a.shape.size();
    if (t < 0 && c < 0 && a.fixed.empty() && g.data_dims.empty()) {
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
