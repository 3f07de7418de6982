#include "postprocess/export.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/strings.hpp"
#include "postprocess/channel_source.hpp"
#include "postprocess/vtk_writers.hpp"
#include "postprocess/xdmf_writer.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "export";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) out.push_back(item);
  return out;
}

bool spatial(const std::string& n) {
  return n == "x" || n == "y" || n == "z";
}
bool component(const std::string& n) {
  return n == "c" || n == "component" || n == "comp";
}
bool time_name(const std::string& n) {
  return n == "time" || n == "t" || n == "step";
}

std::string series(const ChannelSource& src, const std::string& label, const ExportOptions& o,
                   const std::string& out_dir) {
  EDDYOP_CHECK_HINT(src.time_axis() >= 0 || src.samples() == 1, kComponent,
                    "'" << src.path() << "' has leading axes '" << join(src.leading_axes(), ",")
                        << "' and no time axis",
                    "name the time axis 'time' in the fields' axes attribute");
  const std::size_t nsteps = src.time_axis() >= 0 ? src.steps() : 1;
  std::vector<std::size_t> steps;
  if (o.steps.empty()) {
    EDDYOP_CHECK(o.stride >= 1, kComponent, "export.stride = " << o.stride << " must be >= 1");
    for (std::size_t t = 0; t < nsteps; t += static_cast<std::size_t>(o.stride)) steps.push_back(t);
  } else {
    for (long long t : o.steps) {
      const long long s = t < 0 ? static_cast<long long>(nsteps) + t : t;
      EDDYOP_CHECK(
          s >= 0 && s < static_cast<long long>(nsteps), kComponent,
          "export.steps holds " << t << " but '" << src.path() << "' has " << nsteps << " steps");
      steps.push_back(static_cast<std::size_t>(s));
    }
  }
  const fs::path dir = fs::path(out_dir) / label;
  fs::create_directories(dir);
  std::vector<PvdEntry> entries;
  std::vector<double> velocity, pressure;
  for (std::size_t t : steps) {
    if (src.time_axis() >= 0)
      src.read_steps(velocity, &pressure, o.trajectory, t, 1);
    else
      src.read(velocity, &pressure, 0, 1);
    GridFields f;
    f.time = src.time_axis() >= 0 ? src.times()[t] : 0.0;
    f.velocity = velocity;
    if (!pressure.empty()) f.pressure = pressure;
    f.vorticity = o.vorticity;
    f.q_criterion = o.q_criterion;
    char name[32];
    std::snprintf(name, sizeof name, "_%05zu.vtr", t);
    const std::string file = label + name;
    write_vtr((dir / file).string(), src.grid(), f);
    entries.push_back({f.time, file, 0});
  }
  const std::string pvd = (dir / (label + ".pvd")).string();
  write_pvd(pvd, entries);
  return pvd;
}

}  // namespace

std::string write_file_xdmf(const std::string& h5_path) {
  h5::Reader in(h5_path);
  const auto coords = in.coordinates();
  auto has_coord = [&](const std::string& c) {
    return std::find(coords.begin(), coords.end(), c) != coords.end();
  };
  XdmfGrid g;
  g.hdf5_file = fs::path(h5_path).filename().string();
  std::vector<std::string> layout;  // spatial axes in storage order, of the first field taken
  std::string time_axis_name;
  std::size_t nleading = 0;
  std::vector<std::size_t> leading_shape;
  for (const auto& name : in.fields()) {
    const h5::FieldInfo f = in.field(name);
    const auto axes = split(f.axes);
    if (axes.size() != f.shape.size()) continue;
    std::size_t lead = 0;
    while (lead < axes.size() && !spatial(axes[lead]) && !component(axes[lead])) ++lead;
    std::vector<std::string> space;
    std::vector<std::size_t> extents;
    int comp = -1;
    bool ok = true;
    for (std::size_t a = lead; a < axes.size(); ++a) {
      if (spatial(axes[a])) {
        space.push_back(axes[a]);
        extents.push_back(static_cast<std::size_t>(f.shape[a]));
      } else if (component(axes[a]) && comp < 0) {
        comp = static_cast<int>(a);
      } else {
        ok = false;
      }
    }
    if (!ok || space.size() != 3) continue;
    if (layout.empty()) {
      for (std::size_t a = 0; a < 3; ++a) {
        if (!has_coord(space[a])) {
          spdlog::warn("export: '{}' has no /grid/{}, so no .xmf", h5_path, space[a]);
          return {};
        }
        const auto c = in.read_coordinate(space[a]);
        EDDYOP_CHECK(c.size() == extents[a], kComponent,
                     "'" << h5_path << "': /grid/" << space[a] << " has " << c.size()
                         << " nodes but /fields/" << name << " has " << extents[a]);
        g.coordinates[a] = h5::coordinate_path(space[a]);
        g.n[a] = extents[a];
      }
      layout = space;
      nleading = lead;
      for (std::size_t a = 0; a < lead; ++a) leading_shape.push_back(f.shape[a]);
      // The last leading axis is the time series (a named time axis, or the samples).
      if (lead > 0) {
        time_axis_name = axes[lead - 1];
        const std::size_t nt = leading_shape.back();
        for (const char* c : {"t", "time"})
          if (g.times.empty() && has_coord(c) && in.read_coordinate(c).size() == nt)
            g.times = in.read_coordinate(c);
        if (g.times.empty()) {
          const auto attrs = in.attribute_names(h5::kPhysicsGroup);
          const bool si = time_name(time_axis_name) &&
                          std::find(attrs.begin(), attrs.end(), "sampling_interval") != attrs.end();
          const double dt = si ? in.read_double(h5::kPhysicsGroup, "sampling_interval") : 1.0;
          for (std::size_t t = 0; t < nt; ++t) g.times.push_back(dt * static_cast<double>(t));
        }
      }
    } else {
      std::vector<std::size_t> ls(f.shape.begin(), f.shape.begin() + static_cast<long>(lead));
      if (space != layout || lead != nleading || ls != leading_shape) continue;
    }
    XdmfAttribute a;
    a.name = name;
    a.dataset = h5::field_path(name);
    a.shape.assign(f.shape.begin(), f.shape.end());
    a.fixed.assign(nleading > 0 ? nleading - 1 : 0, 0);
    a.component_axis = comp;
    a.precision = f.dtype == h5::DType::kFloat32 ? 4 : 8;
    g.attributes.push_back(a);
  }
  if (g.attributes.empty()) {
    spdlog::info("export: '{}' holds no field on x, y, z; no .xmf written", h5_path);
    return {};
  }
  const std::string xmf = fs::path(h5_path).replace_extension(".xmf").string();
  write_xdmf(xmf, g);
  return xmf;
}

std::vector<std::string> export_files(const ExportOptions& o, const std::string& out_dir) {
  EDDYOP_CHECK_HINT(!o.files.empty() || !o.xdmf_files.empty(), kComponent, "no files to export",
                    "give export.files (or evaluate.files and evaluate.truth)");
  EDDYOP_CHECK(o.labels.empty() || o.labels.size() == o.files.size(), kComponent,
               o.labels.size() << " labels for " << o.files.size() << " files");
  // Validate every file before writing anything.
  std::vector<ChannelSource> sources;
  for (const auto& f : o.files) sources.emplace_back(f);
  std::vector<std::string> written;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string label = o.labels.empty() ? fs::path(o.files[i]).stem().string() : o.labels[i];
    if (o.vtk) {
      written.push_back(series(sources[i], label, o, out_dir));
      spdlog::info("export: {}", written.back());
    }
    if (o.xdmf) {
      const std::string x = write_file_xdmf(o.files[i]);
      if (!x.empty()) written.push_back(x);
    }
  }
  if (o.xdmf)
    for (const auto& f : o.xdmf_files) {
      const std::string x = write_file_xdmf(f);
      if (!x.empty()) written.push_back(x);
    }
  return written;
}

}  // namespace eddyop::postprocess
