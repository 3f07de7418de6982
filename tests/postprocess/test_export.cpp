// `export` read back: each .vtr with VTK's reader (dimensions, coordinates, velocity as one
// 3-component array, pressure, vorticity, Q, TimeValue), the .pvd parsed and each file opened, and
// the .xmf beside each HDF5 file pointing at datasets that exist with the shapes it states.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLImageDataReader.h>
#include <vtkXMLRectilinearGridReader.h>
#include <vtkXMLUtilities.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "postprocess/export.hpp"
#include "tests/postprocess/synthetic_box.hpp"
#include "tests/postprocess/synthetic_channel.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;

namespace {

vtkSmartPointer<vtkRectilinearGrid> read_vtr(const std::string& path) {
  auto r = vtkSmartPointer<vtkXMLRectilinearGridReader>::New();
  r->SetFileName(path.c_str());
  r->Update();
  return r->GetOutput();
}

// Runs tests/postprocess/check_xmf.py (h5py opens every dataset the .xmf names, with the shapes
// it states) on `files`; its exit status.
int check_xmf(const std::vector<std::string>& files) {
  const char* python = std::getenv("EDDYOP_PYTHON");
  const char* source = std::getenv("EDDYOP_SOURCE_DIR");
  std::string command = std::string(python && *python ? python : "/usr/bin/python3") + " " +
                        (source ? std::string(source) : std::string(".")) +
                        "/tests/postprocess/check_xmf.py";
  for (const auto& f : files) command += " '" + f + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(Export, VtrSeriesAndPvdReadBackWithVtk) {
  const auto dir = eddyop::test::scratch_dir("export_vtr");
  eddyop::test::SyntheticChannel ch;
  const std::string truth = (dir / "truth.h5").string(), model = (dir / "model.h5").string();
  ch.write_truth(truth);
  ch.write_prediction(model, 0.0);
  pp::ExportOptions o;
  o.files = {truth, model};
  o.steps = {0, 2, -1};
  o.trajectory = 0;
  const auto written = pp::export_files(o, (dir / "export").string());
  EXPECT_EQ(written.size(), 4u);  // two .pvd, two .xmf
  for (const std::string label : {"truth", "model"}) {
    const fs::path pvd = dir / "export" / label / (label + ".pvd");
    vtkSmartPointer<vtkXMLDataElement> root;
    root.TakeReference(vtkXMLUtilities::ReadElementFromFile(pvd.c_str()));
    ASSERT_NE(root, nullptr) << pvd;
    vtkXMLDataElement* coll = root->FindNestedElementWithName("Collection");
    ASSERT_NE(coll, nullptr);
    ASSERT_EQ(coll->GetNumberOfNestedElements(), 3);
    const std::size_t steps[3] = {0, 2, 5};
    for (int e = 0; e < 3; ++e) {
      vtkXMLDataElement* ds = coll->GetNestedElement(e);
      double t = -1;
      ds->GetScalarAttribute("timestep", t);
      EXPECT_DOUBLE_EQ(t, 0.5 * static_cast<double>(steps[e]));
      const auto grid = read_vtr((pvd.parent_path() / ds->GetAttribute("file")).string());
      ASSERT_NE(grid, nullptr);
      int dims[3];
      grid->GetDimensions(dims);
      EXPECT_EQ(dims[0], 8);
      EXPECT_EQ(dims[1], 17);
      EXPECT_EQ(dims[2], 6);
      EXPECT_NEAR(grid->GetYCoordinates()->GetTuple1(3), ch.y[3], 1e-12);
      EXPECT_NEAR(grid->GetXCoordinates()->GetTuple1(1), 0.5, 1e-12);
      vtkPointData* pd = grid->GetPointData();
      vtkDataArray* vel = pd->GetArray("velocity");
      ASSERT_NE(vel, nullptr);
      EXPECT_EQ(vel->GetNumberOfComponents(), 3);
      EXPECT_EQ(pd->GetVectors(), vel);
      ASSERT_NE(pd->GetArray("pressure"), nullptr);
      ASSERT_NE(pd->GetArray("vorticity"), nullptr);
      ASSERT_NE(pd->GetArray("Q"), nullptr);
      vtkDataArray* tv = grid->GetFieldData()->GetArray("TimeValue");
      ASSERT_NE(tv, nullptr);
      EXPECT_DOUBLE_EQ(tv->GetTuple1(0), t);
      // Point (i, j, k) is VTK id i + nx (j + ny k).
      const std::size_t i = 3, j = 7, k = 2;
      const vtkIdType id = static_cast<vtkIdType>(i + 8 * (j + 17 * k));
      EXPECT_NEAR(vel->GetComponent(id, 1), ch.value(1, 0, steps[e], i, j, k), 1e-4);
    }
  }
}

TEST(Export, XmfBesideEachFilePointsAtExistingDatasets) {
  const auto dir = eddyop::test::scratch_dir("export_xmf");
  eddyop::test::SyntheticChannel ch;
  const std::string truth = (dir / "truth.h5").string(), model = (dir / "model.h5").string();
  ch.write_truth(truth);
  ch.write_prediction(model, 0.0);
  EXPECT_EQ(pp::write_file_xdmf(truth), (dir / "truth.xmf").string());
  // The prediction has no /grid/x: its x nodes (from /physics Lx) are written into the .xmf.
  EXPECT_EQ(pp::write_file_xdmf(model), (dir / "model.xmf").string());
  const std::string model_xml = eddyop::read_file(dir / "model.xmf");
  EXPECT_NE(model_xml.find("3DRectMesh"), std::string::npos);
  EXPECT_NE(model_xml.find("Name=\"X\" Dimensions=\"8\" NumberType=\"Float\" Precision=\"8\" "
                           "Format=\"XML\">0 0.5 1"),
            std::string::npos)
      << model_xml;
  EXPECT_EQ(check_xmf({(dir / "truth.xmf").string(), (dir / "model.xmf").string()}), 0);
  const std::string xml = eddyop::read_file(dir / "truth.xmf");
  EXPECT_NE(xml.find("truth.h5:/fields/u"), std::string::npos);
  EXPECT_NE(xml.find("truth.h5:/fields/p"), std::string::npos);
  EXPECT_NE(xml.find("truth.h5:/grid/y"), std::string::npos);
  EXPECT_NE(xml.find("Temporal"), std::string::npos);
  vtkSmartPointer<vtkXMLDataElement> root;
  root.TakeReference(vtkXMLUtilities::ReadElementFromFile((dir / "truth.xmf").c_str()));
  ASSERT_NE(root, nullptr);
  // Every "file.h5:/path" in the XML names a dataset of the file.
  eddyop::h5::Reader in(truth);
  std::size_t pos = 0, checked = 0;
  while ((pos = xml.find("truth.h5:/", pos)) != std::string::npos) {
    const std::size_t start = pos + 9;
    const std::size_t end = xml.find_first_of("<\n \"", start);
    const std::string path = xml.substr(start, end - start);
    if (path.rfind("/fields/", 0) == 0)
      EXPECT_TRUE(in.has_field(path.substr(8))) << path;
    else
      EXPECT_EQ(path.rfind("/grid/", 0), 0u) << path;
    ++checked;
    pos = end;
  }
  EXPECT_GT(checked, 5u);
  // A statistics file of profiles only gets no .xmf.
  eddyop::h5::Writer out((dir / "stats.h5").string(), "statistics", MPI_COMM_SELF);
  const std::vector<double> prof(5, 1.0);
  out.write_field("u_mean", "y", prof.data(), {5});
  out.close();
  EXPECT_EQ(pp::write_file_xdmf((dir / "stats.h5").string()), "");
}

TEST(Export, PeriodicBoxIsAVtiSeriesReadBackWithVtk) {
  const auto dir = eddyop::test::scratch_dir("export_vti");
  eddyop::test::SyntheticBox box;
  const std::string data = (dir / "ns2d.h5").string();
  box.write_dataset(data);
  pp::ExportOptions o;
  o.files = {data};
  o.steps = {1, -1};
  o.trajectory = 2;
  const auto written = pp::export_files(o, (dir / "export").string());
  ASSERT_EQ(written.size(), 2u);  // the .pvd and the .xmf
  const fs::path pvd = dir / "export" / "ns2d" / "ns2d.pvd";
  vtkSmartPointer<vtkXMLDataElement> root;
  root.TakeReference(vtkXMLUtilities::ReadElementFromFile(pvd.c_str()));
  ASSERT_NE(root, nullptr) << pvd;
  vtkXMLDataElement* coll = root->FindNestedElementWithName("Collection");
  ASSERT_EQ(coll->GetNumberOfNestedElements(), 2);
  const std::size_t steps[2] = {1, 4};
  for (int e = 0; e < 2; ++e) {
    vtkXMLDataElement* ds = coll->GetNestedElement(e);
    const fs::path file = pvd.parent_path() / ds->GetAttribute("file");
    EXPECT_EQ(file.extension(), ".vti");
    auto r = vtkSmartPointer<vtkXMLImageDataReader>::New();
    r->SetFileName(file.c_str());
    r->Update();
    vtkImageData* img = r->GetOutput();
    int dims[3];
    img->GetDimensions(dims);
    EXPECT_EQ(dims[0], 8);
    EXPECT_EQ(dims[1], 6);
    EXPECT_EQ(dims[2], 1);
    double spacing[3];
    img->GetSpacing(spacing);
    EXPECT_NEAR(spacing[0], 1.0 / 8, 1e-12);
    EXPECT_NEAR(spacing[1], 1.0 / 6, 1e-12);
    vtkDataArray* w = img->GetPointData()->GetArray("vorticity");
    ASSERT_NE(w, nullptr);
    const std::size_t i = 5, j = 3;
    EXPECT_NEAR(w->GetTuple1(static_cast<vtkIdType>(i + 8 * j)), box.value(2, steps[e], i, j),
                1e-5);
    vtkDataArray* tv = img->GetFieldData()->GetArray("TimeValue");
    ASSERT_NE(tv, nullptr);
    EXPECT_DOUBLE_EQ(tv->GetTuple1(0), 0.5 * static_cast<double>(steps[e]));
  }
}

TEST(Export, FilesWithoutCoordinatesGetAnXmfOnAUniformGrid) {
  const auto dir = eddyop::test::scratch_dir("export_xmf_uniform");
  // A 2-D box with only /physics Lx, Ly: 2DCoRectMesh over (sample, time) steps.
  eddyop::test::SyntheticBox box;
  const std::string bare = (dir / "bare.h5").string();
  box.write_dataset(bare, false);
  ASSERT_EQ(pp::write_file_xdmf(bare), (dir / "bare.xmf").string());
  const std::string xml = eddyop::read_file(dir / "bare.xmf");
  EXPECT_NE(xml.find("TopologyType=\"2DCoRectMesh\" Dimensions=\"8 6\""), std::string::npos);
  EXPECT_NE(xml.find("0.125 0.16666666666666666</DataItem>"), std::string::npos) << xml;
  // A 3-D velocity box stored (time, c, x, y, z) with no coordinates at all: 3DCoRectMesh,
  // ORIGIN_DXDYDZ over the unit box, the velocity one Vector.
  const std::string cube = (dir / "cube.h5").string();
  {
    eddyop::h5::Writer w(cube, "trajectory", MPI_COMM_SELF);
    std::vector<float> v(2 * 3 * 4 * 5 * 6);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 7);
    w.write_field("velocity", "time,c,x,y,z", v.data(), {2, 3, 4, 5, 6});
    w.close();
  }
  ASSERT_EQ(pp::write_file_xdmf(cube), (dir / "cube.xmf").string());
  const std::string cube_xml = eddyop::read_file(dir / "cube.xmf");
  EXPECT_NE(cube_xml.find("TopologyType=\"3DCoRectMesh\" Dimensions=\"4 5 6\""), std::string::npos);
  EXPECT_NE(cube_xml.find("ORIGIN_DXDYDZ"), std::string::npos);
  EXPECT_NE(cube_xml.find("0.25 0.20000000000000001 0.16666666666666666"), std::string::npos)
      << cube_xml;
  EXPECT_NE(cube_xml.find("AttributeType=\"Vector\""), std::string::npos);
  // A 1-D periodic line (sample, x), as the Burgers datasets: a 1 x n mesh over the samples.
  const std::string line = (dir / "line.h5").string();
  {
    eddyop::h5::Writer w(line, "dataset", MPI_COMM_SELF);
    const std::vector<float> u(3 * 16, 0.5F);
    w.write_field("u0", "sample,x", u.data(), {3, 16});
    w.write_field("uT", "sample,x", u.data(), {3, 16});
    w.close();
  }
  ASSERT_EQ(pp::write_file_xdmf(line), (dir / "line.xmf").string());
  const std::string line_xml = eddyop::read_file(dir / "line.xmf");
  EXPECT_NE(line_xml.find("TopologyType=\"2DCoRectMesh\" Dimensions=\"1 16\""), std::string::npos)
      << line_xml;
  // Every one points at datasets that exist, with the shapes and slabs it states.
  EXPECT_EQ(check_xmf({(dir / "bare.xmf").string(), (dir / "cube.xmf").string(),
                       (dir / "line.xmf").string()}),
            0);
}
