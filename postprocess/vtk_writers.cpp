#include "postprocess/vtk_writers.hpp"

#include <vtkCellArray.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLImageDataWriter.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLRectilinearGridWriter.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "postprocess/derived_fields.hpp"
#include "postprocess/vtk_writers_detail.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace detail {

void validate_grid_fields(const RectGrid& grid, const GridFields& fields, const char* component) {
  validate_grid(grid, component);
  const std::size_t np = grid.points();
  if (!fields.velocity.empty()) {
    const bool two_d = grid.n(2) == 1 && fields.velocity.size == 2 * np;
    if (!two_d) check_size(fields.velocity, 3 * np, component, "the velocity (3, nx, ny, nz)");
  }
  if (!fields.pressure.empty())
    check_size(fields.pressure, np, component, "the pressure (nx, ny, nz)");
  for (const auto& s : fields.scalars) {
    EDDYOP_CHECK(!s.name.empty(), component, "a scalar field has no name");
    check_size(s.values, np, component, ("the scalar '" + s.name + "' (nx, ny, nz)").c_str());
  }
  EDDYOP_CHECK_HINT(!(fields.vorticity || fields.q_criterion) || !fields.velocity.empty(),
                    component, "vorticity and Q are derived from the velocity, which is missing",
                    "pass the velocity or switch the derived fields off");
}

namespace {

// (C, nx, ny, nz) LayoutRight → VTK's order (x fastest), C components per tuple.
vtkSmartPointer<vtkFloatArray> grid_array(const std::string& name, const double* values,
                                          std::size_t ncomp, std::size_t ncomp_out,
                                          const std::array<std::size_t, 3>& d) {
  auto a = vtkSmartPointer<vtkFloatArray>::New();
  a->SetName(name.c_str());
  a->SetNumberOfComponents(static_cast<int>(ncomp_out));
  const std::size_t np = d[0] * d[1] * d[2];
  a->SetNumberOfTuples(static_cast<vtkIdType>(np));
  float* out = a->GetPointer(0);
  for (std::size_t i = 0; i < d[0]; ++i)
    for (std::size_t j = 0; j < d[1]; ++j)
      for (std::size_t k = 0; k < d[2]; ++k) {
        const std::size_t src = (i * d[1] + j) * d[2] + k;
        const std::size_t dst = i + d[0] * (j + d[1] * k);
        for (std::size_t c = 0; c < ncomp_out; ++c)
          out[dst * ncomp_out + c] = c < ncomp ? static_cast<float>(values[c * np + src]) : 0.0f;
      }
  return a;
}

}  // namespace

// (N, C) → a C-component array.
vtkSmartPointer<vtkFloatArray> point_array(const std::string& name, ArrayRef values,
                                           std::size_t ncomp) {
  auto a = vtkSmartPointer<vtkFloatArray>::New();
  a->SetName(name.c_str());
  a->SetNumberOfComponents(static_cast<int>(ncomp));
  a->SetNumberOfTuples(static_cast<vtkIdType>(values.size / ncomp));
  float* out = a->GetPointer(0);
  for (std::size_t i = 0; i < values.size; ++i) out[i] = static_cast<float>(values[i]);
  return a;
}

namespace {

void add_time(vtkDataObject* data, double time) {
  auto t = vtkSmartPointer<vtkDoubleArray>::New();
  t->SetName("TimeValue");
  t->SetNumberOfTuples(1);
  t->SetValue(0, time);
  data->GetFieldData()->AddArray(t);
}

}  // namespace

void attach_grid_fields(vtkDataSet* data, const RectGrid& grid, const GridFields& fields) {
  const auto d = grid.dims();
  const std::size_t np = grid.points();
  vtkPointData* pd = data->GetPointData();
  if (!fields.velocity.empty()) {
    const std::size_t nc = fields.velocity.size / np;
    pd->SetVectors(grid_array("velocity", fields.velocity.data, nc, 3, d));
  }
  if (!fields.pressure.empty())
    pd->SetScalars(grid_array("pressure", fields.pressure.data, 1, 1, d));
  for (const auto& s : fields.scalars) pd->AddArray(grid_array(s.name, s.values.data, 1, 1, d));
  if (fields.vorticity || fields.q_criterion) {
    std::vector<double> u3(fields.velocity.data, fields.velocity.data + fields.velocity.size);
    u3.resize(3 * np, 0.0);  // a 2-D velocity has w = 0
    std::vector<double> vort, q;
    vorticity_and_q(fields.vorticity ? &vort : nullptr, fields.q_criterion ? &q : nullptr, u3,
                    grid);
    if (fields.vorticity) pd->AddArray(grid_array("vorticity", vort.data(), 3, 3, d));
    if (fields.q_criterion) pd->AddArray(grid_array("Q", q.data(), 1, 1, d));
  }
  add_time(data, fields.time);
}

vtkSmartPointer<vtkRectilinearGrid> rectilinear(const RectGrid& grid,
                                                const std::array<std::size_t, 3>& offset) {
  auto rg = vtkSmartPointer<vtkRectilinearGrid>::New();
  const auto d = grid.dims();
  rg->SetExtent(static_cast<int>(offset[0]), static_cast<int>(offset[0] + d[0] - 1),
                static_cast<int>(offset[1]), static_cast<int>(offset[1] + d[1] - 1),
                static_cast<int>(offset[2]), static_cast<int>(offset[2] + d[2] - 1));
  vtkSmartPointer<vtkDoubleArray> c[3];
  for (std::size_t a = 0; a < 3; ++a) {
    c[a] = vtkSmartPointer<vtkDoubleArray>::New();
    c[a]->SetNumberOfTuples(static_cast<vtkIdType>(d[a]));
    for (std::size_t i = 0; i < d[a]; ++i)
      c[a]->SetValue(static_cast<vtkIdType>(i), grid.coords[a][i]);
  }
  rg->SetXCoordinates(c[0]);
  rg->SetYCoordinates(c[1]);
  rg->SetZCoordinates(c[2]);
  return rg;
}

std::array<double, 3> uniform_spacing(const RectGrid& grid, const char* component) {
  std::array<double, 3> h{1.0, 1.0, 1.0};
  for (std::size_t a = 0; a < 3; ++a) {
    const auto& x = grid.coords[a];
    if (x.size() < 2) {
      if (grid.periodic[a] && grid.period[a] > 0.0) h[a] = grid.period[a];
      continue;
    }
    h[a] = x[1] - x[0];
    for (std::size_t i = 2; i < x.size(); ++i) {
      EDDYOP_CHECK_HINT(std::abs((x[i] - x[i - 1]) - h[a]) <= 1e-9 * std::abs(h[a]) * x.size(),
                        component,
                        "image data (.vti) needs uniform spacing, but axis "
                            << a << " has steps " << h[a] << " and " << x[i] - x[i - 1],
                        "write a stretched grid as .vtr");
    }
  }
  return h;
}

vtkSmartPointer<vtkImageData> image(const RectGrid& grid, const std::array<std::size_t, 3>& offset,
                                    const std::array<double, 3>& origin,
                                    const std::array<double, 3>& spacing) {
  auto im = vtkSmartPointer<vtkImageData>::New();
  const auto d = grid.dims();
  im->SetExtent(static_cast<int>(offset[0]), static_cast<int>(offset[0] + d[0] - 1),
                static_cast<int>(offset[1]), static_cast<int>(offset[1] + d[1] - 1),
                static_cast<int>(offset[2]), static_cast<int>(offset[2] + d[2] - 1));
  im->SetOrigin(origin[0], origin[1], origin[2]);
  im->SetSpacing(spacing[0], spacing[1], spacing[2]);
  return im;
}

void write_with(vtkXMLWriter* writer, vtkDataObject* data, const std::string& path,
                const char* component) {
  const std::string tmp = temporary_path_for(path).string();
  writer->SetInputData(data);
  writer->SetFileName(tmp.c_str());
  writer->SetDataModeToAppended();
  writer->SetCompressorTypeToZLib();
  const int ok = writer->Write();
  if (ok != 1 || writer->GetErrorCode() != 0) {
    std::error_code ec;
    fs::remove(tmp, ec);
    EDDYOP_FAIL_HINT(component, "VTK could not write '" << path << "'",
                     "does the directory exist, is it writable, is the disk full?");
  }
  commit_file(tmp, path);
}

}  // namespace detail

void write_vtr(const std::string& path, const RectGrid& grid, const GridFields& fields) {
  detail::validate_grid_fields(grid, fields, "vtk");
  auto rg = detail::rectilinear(grid, {0, 0, 0});
  detail::attach_grid_fields(rg, grid, fields);
  auto w = vtkSmartPointer<vtkXMLRectilinearGridWriter>::New();
  detail::write_with(w, rg, path, "vtk");
}

void write_vti(const std::string& path, const RectGrid& grid, const GridFields& fields) {
  detail::validate_grid_fields(grid, fields, "vtk");
  const auto h = detail::uniform_spacing(grid, "vtk");
  auto im =
      detail::image(grid, {0, 0, 0}, {grid.coords[0][0], grid.coords[1][0], grid.coords[2][0]}, h);
  detail::attach_grid_fields(im, grid, fields);
  auto w = vtkSmartPointer<vtkXMLImageDataWriter>::New();
  detail::write_with(w, im, path, "vtk");
}

namespace {

template <class DataSet>
void fill_points(DataSet* data, ArrayRef points, const PointFields& fields) {
  EDDYOP_CHECK(!points.empty() && points.size % 3 == 0, "vtk",
               "the points hold " << points.size << " values; a point cloud needs (N, 3)");
  const std::size_t n = points.size / 3;
  auto p = vtkSmartPointer<vtkPoints>::New();
  p->SetDataTypeToDouble();
  p->SetNumberOfPoints(static_cast<vtkIdType>(n));
  for (std::size_t i = 0; i < n; ++i)
    p->SetPoint(static_cast<vtkIdType>(i), points[3 * i], points[3 * i + 1], points[3 * i + 2]);
  data->SetPoints(p);
  vtkPointData* pd = data->GetPointData();
  if (!fields.velocity.empty()) {
    check_size(fields.velocity, 3 * n, "vtk", "the velocity (N, 3)");
    pd->SetVectors(detail::point_array("velocity", fields.velocity, 3));
  }
  if (!fields.pressure.empty()) {
    check_size(fields.pressure, n, "vtk", "the pressure (N)");
    pd->SetScalars(detail::point_array("pressure", fields.pressure, 1));
  }
  for (const auto& s : fields.scalars) {
    EDDYOP_CHECK(!s.name.empty(), "vtk", "a scalar field has no name");
    check_size(s.values, n, "vtk", ("the scalar '" + s.name + "' (N)").c_str());
    pd->AddArray(detail::point_array(s.name, s.values, 1));
  }
  auto t = vtkSmartPointer<vtkDoubleArray>::New();
  t->SetName("TimeValue");
  t->SetNumberOfTuples(1);
  t->SetValue(0, fields.time);
  data->GetFieldData()->AddArray(t);
}

vtkSmartPointer<vtkCellArray> vertices(std::size_t n) {
  auto cells = vtkSmartPointer<vtkCellArray>::New();
  for (std::size_t i = 0; i < n; ++i) {
    const vtkIdType id = static_cast<vtkIdType>(i);
    cells->InsertNextCell(1, &id);
  }
  return cells;
}

}  // namespace

void write_vtu(const std::string& path, ArrayRef points, const PointFields& fields) {
  auto ug = vtkSmartPointer<vtkUnstructuredGrid>::New();
  fill_points(ug.Get(), points, fields);
  ug->SetCells(VTK_VERTEX, vertices(points.size / 3));
  auto w = vtkSmartPointer<vtkXMLUnstructuredGridWriter>::New();
  detail::write_with(w, ug, path, "vtk");
}

void write_vtp(const std::string& path, ArrayRef points, const PointFields& fields) {
  auto poly = vtkSmartPointer<vtkPolyData>::New();
  fill_points(poly.Get(), points, fields);
  poly->SetVerts(vertices(points.size / 3));
  auto w = vtkSmartPointer<vtkXMLPolyDataWriter>::New();
  detail::write_with(w, poly, path, "vtk");
}

namespace {
std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}
}  // namespace

void write_pvd(const std::string& path, const std::vector<PvdEntry>& entries) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\"?>\n"
    << "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
    << "  <Collection>\n";
  x << std::setprecision(17);
  for (const auto& e : entries) {
    EDDYOP_CHECK(!e.file.empty(), "vtk", "a .pvd entry at time " << e.time << " names no file");
    EDDYOP_CHECK(std::isfinite(e.time), "vtk",
                 "the .pvd entry '" << e.file << "' has time " << e.time);
    x << "    <DataSet timestep=\"" << e.time << "\" group=\"\" part=\"" << e.part << "\" file=\""
      << xml_escape(e.file) << "\"/>\n";
  }
  x << "  </Collection>\n</VTKFile>\n";
  write_file_atomic(path, x.str());
}

std::string write_grid_series(const std::string& directory, const std::string& stem,
                              const RectGrid& grid, const std::vector<GridFields>& frames,
                              bool image_data) {
  EDDYOP_CHECK(!frames.empty(), "vtk", "the series '" << stem << "' has no frames");
  // Validate every frame before writing any file.
  for (const auto& f : frames) detail::validate_grid_fields(grid, f, "vtk");
  if (image_data) detail::uniform_spacing(grid, "vtk");
  std::error_code ec;
  fs::create_directories(directory, ec);
  EDDYOP_CHECK(!ec, "vtk", "cannot create the directory '" << directory << "'");
  std::vector<PvdEntry> entries;
  for (std::size_t n = 0; n < frames.size(); ++n) {
    char num[32];
    std::snprintf(num, sizeof num, "_%05zu", n);
    const std::string name = stem + num + (image_data ? ".vti" : ".vtr");
    const std::string path = (fs::path(directory) / name).string();
    if (image_data)
      write_vti(path, grid, frames[n]);
    else
      write_vtr(path, grid, frames[n]);
    entries.push_back({frames[n].time, name, 0});
  }
  const std::string pvd = (fs::path(directory) / (stem + ".pvd")).string();
  write_pvd(pvd, entries);
  return pvd;
}

}  // namespace eddyop::postprocess
