// The .xmf structure: a temporal collection over the leading axis, 3DRectMesh with VXVYVZ (or
// 2DCoRectMesh), hyperslabs and joins that name the datasets and shapes given.
#include <gtest/gtest.h>
#include <vtkSmartPointer.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLUtilities.h>

#include <sstream>

#include "core/error.hpp"
#include "postprocess/xdmf_writer.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;

namespace {

vtkSmartPointer<vtkXMLDataElement> parse(const std::string& path) {
  vtkSmartPointer<vtkXMLDataElement> root;
  root.TakeReference(vtkXMLUtilities::ReadElementFromFile(path.c_str()));
  return root;
}

std::string text(vtkXMLDataElement* e) {
  std::string s = e->GetCharacterData() ? e->GetCharacterData() : "";
  const auto b = s.find_first_not_of(" \n\t"), end = s.find_last_not_of(" \n\t");
  return b == std::string::npos ? "" : s.substr(b, end - b + 1);
}

std::vector<long> numbers(const std::string& s) {
  std::istringstream in(s);
  std::vector<long> v;
  for (long x; in >> x;) v.push_back(x);
  return v;
}

pp::XdmfGrid channel(std::size_t nt) {
  pp::XdmfGrid g;
  g.hdf5_file = "trajectory.h5";
  g.n = {8, 9, 6};
  g.coordinates = {"/grid/x", "/grid/y", "/grid/z"};
  for (std::size_t t = 0; t < nt; ++t) g.times.push_back(0.5 * static_cast<double>(t));
  g.attributes.push_back({"velocity", "/fields/velocity", {nt, 3, 8, 9, 6}, {}, 1, "Float", 4});
  g.attributes.push_back({"pressure", "/fields/pressure", {nt, 8, 9, 6}, {}, -1, "Float", 4});
  return g;
}

}  // namespace

TEST(XdmfWriter, ChannelTrajectoryIsATemporalCollectionOfRectMeshesWithHyperSlabs) {
  const auto dir = eddyop::test::scratch_dir("xdmf");
  const auto path = (dir / "trajectory.xmf").string();
  pp::write_xdmf(path, channel(4));

  const auto root = parse(path);
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(root->GetName(), "Xdmf");
  EXPECT_STREQ(root->GetAttribute("Version"), "3.0");
  vtkXMLDataElement* coll =
      root->FindNestedElementWithName("Domain")->FindNestedElementWithName("Grid");
  ASSERT_NE(coll, nullptr);
  EXPECT_STREQ(coll->GetAttribute("GridType"), "Collection");
  EXPECT_STREQ(coll->GetAttribute("CollectionType"), "Temporal");
  ASSERT_EQ(coll->GetNumberOfNestedElements(), 4);

  vtkXMLDataElement* step = coll->GetNestedElement(2);
  EXPECT_STREQ(step->GetAttribute("GridType"), "Uniform");
  EXPECT_DOUBLE_EQ(std::stod(step->FindNestedElementWithName("Time")->GetAttribute("Value")), 1.0);
  vtkXMLDataElement* topo = step->FindNestedElementWithName("Topology");
  EXPECT_STREQ(topo->GetAttribute("TopologyType"), "3DRectMesh");
  EXPECT_STREQ(topo->GetAttribute("Dimensions"), "8 9 6");
  vtkXMLDataElement* geo = step->FindNestedElementWithName("Geometry");
  EXPECT_STREQ(geo->GetAttribute("GeometryType"), "VXVYVZ");
  ASSERT_EQ(geo->GetNumberOfNestedElements(), 3);
  // XDMF's X is the fastest axis: our z.
  EXPECT_EQ(text(geo->GetNestedElement(0)), "trajectory.h5:/grid/z");
  EXPECT_STREQ(geo->GetNestedElement(0)->GetAttribute("Dimensions"), "6");
  EXPECT_EQ(text(geo->GetNestedElement(1)), "trajectory.h5:/grid/y");
  EXPECT_EQ(text(geo->GetNestedElement(2)), "trajectory.h5:/grid/x");
  EXPECT_STREQ(geo->GetNestedElement(2)->GetAttribute("Dimensions"), "8");

  vtkXMLDataElement* vel =
      step->FindNestedElementWithNameAndAttribute("Attribute", "Name", "velocity");
  ASSERT_NE(vel, nullptr);
  EXPECT_STREQ(vel->GetAttribute("AttributeType"), "Vector");
  EXPECT_STREQ(vel->GetAttribute("Center"), "Node");
  vtkXMLDataElement* join = vel->GetNestedElement(0);
  EXPECT_STREQ(join->GetAttribute("ItemType"), "Function");
  EXPECT_STREQ(join->GetAttribute("Dimensions"), "8 9 6 3");
  ASSERT_EQ(join->GetNumberOfNestedElements(), 3);
  for (int n = 0; n < 3; ++n) {
    vtkXMLDataElement* slab = join->GetNestedElement(n);
    EXPECT_STREQ(slab->GetAttribute("ItemType"), "HyperSlab");
    EXPECT_STREQ(slab->GetAttribute("Dimensions"), "8 9 6");
    const auto sel = numbers(text(slab->GetNestedElement(0)));
    const long comp = 2 - n;  // joined as (z, y, x)
    EXPECT_EQ(sel, (std::vector<long>{2, comp, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 8, 9, 6}));
    EXPECT_STREQ(slab->GetNestedElement(0)->GetAttribute("Dimensions"), "3 5");
    vtkXMLDataElement* data = slab->GetNestedElement(1);
    EXPECT_EQ(text(data), "trajectory.h5:/fields/velocity");
    EXPECT_STREQ(data->GetAttribute("Dimensions"), "4 3 8 9 6");
    EXPECT_STREQ(data->GetAttribute("Format"), "HDF");
    EXPECT_STREQ(data->GetAttribute("Precision"), "4");
  }
  vtkXMLDataElement* p =
      step->FindNestedElementWithNameAndAttribute("Attribute", "Name", "pressure");
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p->GetAttribute("AttributeType"), "Scalar");
  EXPECT_EQ(numbers(text(p->GetNestedElement(0)->GetNestedElement(0))),
            (std::vector<long>{2, 0, 0, 0, 1, 1, 1, 1, 1, 8, 9, 6}));
}

TEST(XdmfWriter, OneSampleOfASampleTimeTrajectoryIsSelectedByAFixedLeadingAxis) {
  // (N, T, C, X, Y, Z) as docs/data-format.md writes trajectories: sample 1 of 3, 2 times.
  auto g = channel(2);
  g.attributes = {{"velocity", "/fields/velocity", {3, 2, 3, 8, 9, 6}, {1}, 2, "Float", 4}};
  const auto dir = eddyop::test::scratch_dir("xdmf_sample");
  const auto path = (dir / "sample1.xmf").string();
  pp::write_xdmf(path, g);
  const auto root = parse(path);
  vtkXMLDataElement* coll =
      root->FindNestedElementWithName("Domain")->FindNestedElementWithName("Grid");
  ASSERT_EQ(coll->GetNumberOfNestedElements(), 2);
  vtkXMLDataElement* slab = coll->GetNestedElement(1)
                                ->FindNestedElementWithName("Attribute")
                                ->GetNestedElement(0)
                                ->GetNestedElement(2);  // the x component, joined last
  EXPECT_EQ(numbers(text(slab->GetNestedElement(0))),
            (std::vector<long>{1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 9, 6}));
  EXPECT_STREQ(slab->GetNestedElement(1)->GetAttribute("Dimensions"), "3 2 3 8 9 6");
  // A fixed index outside its axis is refused.
  g.attributes[0].fixed = {3};
  EXPECT_THROW(pp::write_xdmf(path, g), eddyop::Error);
}

TEST(XdmfWriter, StaticTwoDimensionalFieldUsesCoRectMeshAndPlainDatasets) {
  pp::XdmfGrid g;
  g.hdf5_file = "darcy.h5";
  g.topology = pp::XdmfTopology::CoRectMesh2D;
  g.n = {32, 16, 1};
  g.origin = {0.0, 0.0};
  g.spacing = {0.25, 0.5};
  g.attributes.push_back({"permeability", "/inputs/a", {32, 16}, {}, -1, "Float", 4});
  g.attributes.push_back({"flux", "/outputs/q", {2, 32, 16}, {}, 0, "Float", 8});
  const auto dir = eddyop::test::scratch_dir("xdmf2d");
  const auto path = (dir / "darcy.xmf").string();
  pp::write_xdmf(path, g);
  const auto root = parse(path);
  vtkXMLDataElement* grid =
      root->FindNestedElementWithName("Domain")->FindNestedElementWithName("Grid");
  EXPECT_STREQ(grid->GetAttribute("GridType"), "Uniform");
  EXPECT_STREQ(grid->FindNestedElementWithName("Topology")->GetAttribute("TopologyType"),
               "2DCoRectMesh");
  EXPECT_STREQ(grid->FindNestedElementWithName("Topology")->GetAttribute("Dimensions"), "32 16");
  vtkXMLDataElement* geo = grid->FindNestedElementWithName("Geometry");
  EXPECT_STREQ(geo->GetAttribute("GeometryType"), "ORIGIN_DXDY");
  EXPECT_EQ(text(geo->GetNestedElement(1)), "0.25 0.5");
  vtkXMLDataElement* a =
      grid->FindNestedElementWithNameAndAttribute("Attribute", "Name", "permeability");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(text(a->GetNestedElement(0)), "darcy.h5:/inputs/a");
  EXPECT_STREQ(a->GetNestedElement(0)->GetAttribute("Dimensions"), "32 16");
  // Two components: one scalar each.
  EXPECT_NE(grid->FindNestedElementWithNameAndAttribute("Attribute", "Name", "flux_0"), nullptr);
  vtkXMLDataElement* f1 =
      grid->FindNestedElementWithNameAndAttribute("Attribute", "Name", "flux_1");
  ASSERT_NE(f1, nullptr);
  EXPECT_EQ(numbers(text(f1->GetNestedElement(0)->GetNestedElement(0))),
            (std::vector<long>{1, 0, 0, 1, 1, 1, 1, 32, 16}));
}

TEST(XdmfWriter, ShapesThatDoNotMatchTheGridOrTheTimesAreErrorsNamingTheDataset) {
  const auto dir = eddyop::test::scratch_dir("xdmf_bad");
  auto g = channel(4);
  g.attributes[1].shape = {4, 8, 9, 5};
  try {
    pp::write_xdmf((dir / "a.xmf").string(), g);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(e.message().find("/fields/pressure"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("(4 8 9 5)"), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("(4 8 9 6)"), std::string::npos) << e.what();
  }
  auto t = channel(4);
  t.times.pop_back();  // three times for four samples
  EXPECT_THROW(pp::write_xdmf((dir / "b.xmf").string(), t), eddyop::Error);
  auto c = channel(2);
  c.coordinates[1] = "grid/y";
  EXPECT_THROW(pp::write_xdmf((dir / "c.xmf").string(), c), eddyop::Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.xmf"));
}

TEST(XdmfWriter, LineIsAOneByNMeshReadByHyperSlabAndInlineCoordinatesAreWritten) {
  // A line (N, 16) shown as a 1 x 16 2DCoRectMesh: the dataset's (16) read by a hyperslab.
  pp::XdmfGrid g;
  g.hdf5_file = "burgers.h5";
  g.topology = pp::XdmfTopology::CoRectMesh2D;
  g.n = {1, 16, 0};
  g.spacing = {1.0, 1.0 / 16};
  g.data_dims = {16};
  g.times = {0.0, 1.0, 2.0};
  g.attributes.push_back({"u0", "/fields/u0", {3, 16}, {}, -1, "Float", 4});
  const auto dir = eddyop::test::scratch_dir("xdmf_line");
  const auto path = (dir / "burgers.xmf").string();
  pp::write_xdmf(path, g);
  auto root = parse(path);
  vtkXMLDataElement* step = root->FindNestedElementWithName("Domain")
                                ->FindNestedElementWithName("Grid")
                                ->GetNestedElement(2);
  EXPECT_STREQ(step->FindNestedElementWithName("Topology")->GetAttribute("Dimensions"), "1 16");
  vtkXMLDataElement* slab = step->FindNestedElementWithName("Attribute")->GetNestedElement(0);
  EXPECT_STREQ(slab->GetAttribute("ItemType"), "HyperSlab");
  EXPECT_STREQ(slab->GetAttribute("Dimensions"), "1 16");
  EXPECT_EQ(numbers(text(slab->GetNestedElement(0))), (std::vector<long>{2, 0, 1, 1, 1, 16}));
  // Data dims that do not hold the grid's nodes are refused.
  g.data_dims = {15};
  EXPECT_THROW(pp::write_xdmf(path, g), eddyop::Error);

  // A 2DRectMesh with one axis from the file and one written inline (X: the fastest, axis 1).
  pp::XdmfGrid r;
  r.hdf5_file = "s.h5";
  r.topology = pp::XdmfTopology::RectMesh2D;
  r.n = {3, 4, 0};
  r.coordinates = {"/grid/y", ""};
  r.coordinate_values[1] = {0.0, 0.5, 1.0, 1.5};
  r.attributes.push_back({"q", "/fields/q", {3, 4}, {}, -1, "Float", 8});
  pp::write_xdmf(path, r);
  root = parse(path);
  vtkXMLDataElement* geo = root->FindNestedElementWithName("Domain")
                               ->FindNestedElementWithName("Grid")
                               ->FindNestedElementWithName("Geometry");
  EXPECT_STREQ(geo->GetAttribute("GeometryType"), "VXVY");
  EXPECT_STREQ(geo->GetNestedElement(0)->GetAttribute("Format"), "XML");
  EXPECT_EQ(text(geo->GetNestedElement(0)), "0 0.5 1 1.5");
  EXPECT_EQ(text(geo->GetNestedElement(1)), "s.h5:/grid/y");
  r.coordinate_values[1] = {0.0, 0.5};  // 2 values for 4 nodes
  EXPECT_THROW(pp::write_xdmf(path, r), eddyop::Error);
}
