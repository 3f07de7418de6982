// `export` read back: each .vtr with VTK's reader (dimensions, coordinates, velocity as one
// 3-component array, pressure, vorticity, Q, TimeValue), the .pvd parsed and each file opened, and
// the .xmf beside each HDF5 file pointing at datasets that exist with the shapes it states.
#include <gtest/gtest.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkPointData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLRectilinearGridReader.h>
#include <vtkXMLUtilities.h>

#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hdf5/reader.hpp"
#include "postprocess/export.hpp"
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
  EXPECT_EQ(written.size(), 3u);  // two .pvd; one .xmf (the model has no /grid/x)
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
  // The prediction has no /grid/x: no .xmf, and no failure.
  EXPECT_EQ(pp::write_file_xdmf(model), "");
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
