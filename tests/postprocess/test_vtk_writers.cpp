// VTK files read back with VTK's own readers: dimensions, coordinates, arrays, active vectors and
// TimeValue; a .pvd parsed and every file it names opened.
#include <gtest/gtest.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLImageDataReader.h>
#include <vtkXMLPolyDataReader.h>
#include <vtkXMLRectilinearGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>
#include <vtkXMLUtilities.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "postprocess/derived_fields.hpp"
#include "postprocess/vtk_writers.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;

namespace {

double time_value(vtkDataObject* d) {
  vtkDataArray* t = d->GetFieldData()->GetArray("TimeValue");
  return t ? t->GetTuple1(0) : std::nan("");
}

struct ChannelCase {
  std::size_t nx = 5, ny = 7, nz = 4;
  pp::RectGrid grid = pp::channel_grid(5, 4, 4.0, 2.0, eddyop::test::stretched_y(7));
  std::vector<double> u, p;
  ChannelCase() {
    const std::size_t np = nx * ny * nz;
    u.resize(3 * np);
    p.resize(np);
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t i = 0; i < nx; ++i)
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t k = 0; k < nz; ++k)
            u[c * np + (i * ny + j) * nz + k] = 1000.0 * c + 100.0 * i + 10.0 * j + k;
    for (std::size_t q = 0; q < np; ++q) p[q] = -0.5 * static_cast<double>(q);
  }
  // VTK point id of node (i, j, k): x fastest.
  vtkIdType id(std::size_t i, std::size_t j, std::size_t k) const {
    return static_cast<vtkIdType>(i + nx * (j + ny * k));
  }
};

}  // namespace

TEST(VtkWriters, RectilinearGridReadsBackWithCoordinatesArraysActiveVectorsAndTime) {
  ChannelCase c;
  const auto dir = eddyop::test::scratch_dir("vtr");
  const auto path = (dir / "channel.vtr").string();
  pp::GridFields f;
  f.time = 2.5;
  f.velocity = c.u;
  f.pressure = c.p;
  std::vector<double> mark(c.p.size(), 7.0);
  f.scalars.push_back({"mark", mark});
  f.vorticity = true;
  f.q_criterion = true;
  pp::write_vtr(path, c.grid, f);
  // Nothing but the file is left behind (the temporary was renamed).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);

  auto r = vtkSmartPointer<vtkXMLRectilinearGridReader>::New();
  r->SetFileName(path.c_str());
  r->Update();
  vtkRectilinearGrid* g = r->GetOutput();
  int dims[3];
  g->GetDimensions(dims);
  EXPECT_EQ(dims[0], 5);
  EXPECT_EQ(dims[1], 7);
  EXPECT_EQ(dims[2], 4);
  for (std::size_t j = 0; j < c.ny; ++j)
    EXPECT_DOUBLE_EQ(g->GetYCoordinates()->GetTuple1(static_cast<vtkIdType>(j)),
                     c.grid.coords[1][j]);
  EXPECT_DOUBLE_EQ(g->GetXCoordinates()->GetTuple1(1), 0.8);
  EXPECT_DOUBLE_EQ(g->GetZCoordinates()->GetTuple1(3), 1.5);

  vtkDataArray* v = g->GetPointData()->GetVectors();
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v->GetName(), "velocity");
  EXPECT_EQ(v->GetNumberOfComponents(), 3);
  double t[3];
  v->GetTuple(c.id(3, 5, 2), t);
  EXPECT_DOUBLE_EQ(t[0], 352.0);
  EXPECT_DOUBLE_EQ(t[1], 1352.0);
  EXPECT_DOUBLE_EQ(t[2], 2352.0);
  vtkDataArray* s = g->GetPointData()->GetScalars();
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s->GetName(), "pressure");
  EXPECT_DOUBLE_EQ(s->GetTuple1(c.id(1, 2, 3)), -0.5 * ((1 * 7 + 2) * 4 + 3));
  EXPECT_DOUBLE_EQ(g->GetPointData()->GetArray("mark")->GetTuple1(0), 7.0);
  ASSERT_NE(g->GetPointData()->GetArray("vorticity"), nullptr);
  EXPECT_EQ(g->GetPointData()->GetArray("vorticity")->GetNumberOfComponents(), 3);
  ASSERT_NE(g->GetPointData()->GetArray("Q"), nullptr);
  // The vorticity in the file is the one derived_fields computes.
  std::vector<double> w;
  pp::vorticity_and_q(&w, nullptr, c.u, c.grid);
  const std::size_t np = c.p.size();
  EXPECT_NEAR(g->GetPointData()->GetArray("vorticity")->GetComponent(c.id(2, 3, 1), 2),
              w[2 * np + (2 * 7 + 3) * 4 + 1], 1e-3);
  EXPECT_DOUBLE_EQ(time_value(g), 2.5);
}

TEST(VtkWriters, ImageDataOfA2DBoxPadsTheVelocityAndKeepsSpacing) {
  const auto grid = pp::periodic_box({6, 4, 1}, {3.0, 2.0, 1.0});
  const std::size_t np = 24;
  std::vector<double> u(2 * np);
  for (std::size_t q = 0; q < 2 * np; ++q) u[q] = static_cast<double>(q);
  const auto dir = eddyop::test::scratch_dir("vti");
  const auto path = (dir / "box.vti").string();
  pp::GridFields f;
  f.time = 0.125;
  f.velocity = u;
  f.vorticity = true;
  pp::write_vti(path, grid, f);

  auto r = vtkSmartPointer<vtkXMLImageDataReader>::New();
  r->SetFileName(path.c_str());
  r->Update();
  vtkImageData* im = r->GetOutput();
  int dims[3];
  im->GetDimensions(dims);
  EXPECT_EQ(dims[0], 6);
  EXPECT_EQ(dims[1], 4);
  EXPECT_EQ(dims[2], 1);
  double h[3];
  im->GetSpacing(h);
  EXPECT_DOUBLE_EQ(h[0], 0.5);
  EXPECT_DOUBLE_EQ(h[1], 0.5);
  vtkDataArray* v = im->GetPointData()->GetVectors();
  ASSERT_NE(v, nullptr);
  double t[3];
  v->GetTuple(2 + 6 * 3, t);  // node (2, 3)
  EXPECT_DOUBLE_EQ(t[0], 2 * 4 + 3);
  EXPECT_DOUBLE_EQ(t[1], np + 2 * 4 + 3);
  EXPECT_DOUBLE_EQ(t[2], 0.0);
  EXPECT_DOUBLE_EQ(time_value(im), 0.125);
  ASSERT_NE(im->GetPointData()->GetArray("vorticity"), nullptr);
}

TEST(VtkWriters, PointCloudsReadBackAsUnstructuredGridAndPolyData) {
  const std::vector<double> pts = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  const std::vector<double> vel = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<double> pr = {0.1, 0.2, 0.3, 0.4};
  pp::PointFields f;
  f.time = 9.0;
  f.velocity = vel;
  f.pressure = pr;
  const auto dir = eddyop::test::scratch_dir("points");
  pp::write_vtu((dir / "cloud.vtu").string(), pts, f);
  pp::write_vtp((dir / "cloud.vtp").string(), pts, f);

  auto ru = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  ru->SetFileName((dir / "cloud.vtu").c_str());
  ru->Update();
  auto rp = vtkSmartPointer<vtkXMLPolyDataReader>::New();
  rp->SetFileName((dir / "cloud.vtp").c_str());
  rp->Update();
  for (vtkPointSet* d :
       {static_cast<vtkPointSet*>(ru->GetOutput()), static_cast<vtkPointSet*>(rp->GetOutput())}) {
    EXPECT_EQ(d->GetNumberOfPoints(), 4);
    EXPECT_EQ(d->GetNumberOfCells(), 4);
    double x[3];
    d->GetPoint(2, x);
    EXPECT_DOUBLE_EQ(x[1], 2.0);
    double v[3];
    d->GetPointData()->GetVectors()->GetTuple(3, v);
    EXPECT_DOUBLE_EQ(v[2], 12.0);
    EXPECT_STREQ(d->GetPointData()->GetVectors()->GetName(), "velocity");
    EXPECT_NEAR(d->GetPointData()->GetScalars()->GetTuple1(1), 0.2, 1e-7);
    EXPECT_DOUBLE_EQ(time_value(d), 9.0);
  }
}

TEST(VtkWriters, PvdSeriesIsParsedAndEveryFileOpens) {
  ChannelCase c;
  const auto dir = eddyop::test::scratch_dir("pvd");
  std::vector<pp::GridFields> frames(3);
  for (std::size_t n = 0; n < frames.size(); ++n) {
    frames[n].time = 0.1 * static_cast<double>(n);
    frames[n].velocity = c.u;
  }
  const auto pvd = pp::write_grid_series((dir / "out").string(), "flow", c.grid, frames);
  EXPECT_EQ(fs::path(pvd).filename(), "flow.pvd");

  vtkSmartPointer<vtkXMLDataElement> root;
  root.TakeReference(vtkXMLUtilities::ReadElementFromFile(pvd.c_str()));
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(root->GetName(), "VTKFile");
  EXPECT_STREQ(root->GetAttribute("type"), "Collection");
  vtkXMLDataElement* coll = root->FindNestedElementWithName("Collection");
  ASSERT_NE(coll, nullptr);
  ASSERT_EQ(coll->GetNumberOfNestedElements(), 3);
  for (int n = 0; n < 3; ++n) {
    vtkXMLDataElement* ds = coll->GetNestedElement(n);
    EXPECT_STREQ(ds->GetName(), "DataSet");
    const double t = std::stod(ds->GetAttribute("timestep"));
    EXPECT_DOUBLE_EQ(t, 0.1 * n);
    const fs::path file = fs::path(pvd).parent_path() / ds->GetAttribute("file");
    ASSERT_TRUE(fs::exists(file)) << file;
    auto r = vtkSmartPointer<vtkXMLRectilinearGridReader>::New();
    r->SetFileName(file.c_str());
    r->Update();
    EXPECT_EQ(r->GetOutput()->GetNumberOfPoints(), 5 * 7 * 4);
    EXPECT_DOUBLE_EQ(time_value(r->GetOutput()), t);
  }
}

TEST(VtkWriters, BadInputIsAnErrorNamingWhatIsWrong) {
  ChannelCase c;
  const auto dir = eddyop::test::scratch_dir("bad");
  pp::GridFields f;
  std::vector<double> short_u(c.u.begin(), c.u.end() - 1);
  f.velocity = short_u;
  try {
    pp::write_vtr((dir / "x.vtr").string(), c.grid, f);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("velocity (3, nx, ny, nz)"), std::string::npos) << e.what();
  }
  pp::GridFields derived_without_velocity;
  derived_without_velocity.q_criterion = true;
  try {
    pp::write_vtr((dir / "x.vtr").string(), c.grid, derived_without_velocity);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("velocity, which is missing"), std::string::npos) << e.what();
  }
  // A stretched grid cannot be image data.
  pp::GridFields ok;
  ok.velocity = c.u;
  EXPECT_THROW(pp::write_vti((dir / "x.vti").string(), c.grid, ok), eddyop::Error);
  // A directory that does not exist: an error, and no file appears.
  EXPECT_THROW(pp::write_vtr((dir / "missing" / "x.vtr").string(), c.grid, ok), eddyop::Error);
  EXPECT_FALSE(fs::exists(dir / "x.vtr"));
  EXPECT_FALSE(fs::exists(dir / "x.vti"));
}
