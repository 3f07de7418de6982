// Reading channel files in our HDF5 layout: both storage orders give the same arrays, the grid and
// physics come from /grid and /physics, and a missing field, a bad axes attribute or a grid that
// does not match is an error naming it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "core/hdf5/writer.hpp"
#include "postprocess/channel_source.hpp"
#include "tests/error_of.hpp"
#include "tests/postprocess/synthetic_channel.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;

namespace {

using eddyop::testing::error_of;

}  // namespace

TEST(ChannelSource, ZFastestAndXFastestFilesReadTheSame) {
  const auto dir = eddyop::test::scratch_dir("source_orders");
  eddyop::test::SyntheticChannel ch;
  ch.write_truth((dir / "a.h5").string());
  ch.write_prediction((dir / "b.h5").string(), 0.0);
  const pp::ChannelSource a((dir / "a.h5").string()), b((dir / "b.h5").string());
  EXPECT_EQ(a.leading_axes(), (std::vector<std::string>{"trajectory", "time"}));
  EXPECT_EQ(a.samples(), 12u);
  EXPECT_EQ(a.slabs(), 2u);
  EXPECT_EQ(a.steps(), 6u);
  EXPECT_EQ(b.steps(), 6u);
  EXPECT_EQ(b.trajectories(), 1u);
  EXPECT_DOUBLE_EQ(a.times()[3], 1.5);
  EXPECT_DOUBLE_EQ(b.times()[3], 1.5);  // from sampling_interval
  EXPECT_DOUBLE_EQ(a.sample_time(1, 4), 2.0);
  EXPECT_DOUBLE_EQ(b.grid().period[0], 4.0);  // from Lx without /grid/x
  EXPECT_DOUBLE_EQ(a.nu(), 1.0 / 180.0);
  EXPECT_NEAR(a.re_tau_nominal(), 180.0, 1e-9);
  a.expect_same_grid(b);
  std::vector<double> va, pa, vb, pb;
  a.read_steps(va, &pa, 0, 2, 3);
  b.read_steps(vb, &pb, 0, 2, 3);
  ASSERT_EQ(va.size(), 3u * 3 * 8 * 17 * 6);
  ASSERT_EQ(pa.size(), 3u * 8 * 17 * 6);
  for (std::size_t n = 0; n < va.size(); ++n)
    ASSERT_NEAR(va[n], vb[n], 1e-4 * (1 + std::abs(vb[n])));
  for (std::size_t n = 0; n < pa.size(); ++n) ASSERT_NEAR(pa[n], pb[n], 1e-5);
  // Canonical order (t, c, x, y, z): a value checked against the formula.
  const std::size_t t = 1, c = 2, i = 3, j = 5, k = 4;
  EXPECT_NEAR(vb[(((t * 3 + c) * 8 + i) * 17 + j) * 6 + k], ch.value(2, 0, 3, i, j, k), 1e-12);
  std::vector<double> slab;
  a.read(slab, nullptr, 1, 1);  // trajectory 1, all steps
  EXPECT_NEAR(slab[(((0 * 3 + 0) * 8 + i) * 17 + j) * 6 + k], ch.value(0, 1, 0, i, j, k), 1e-4);
}

TEST(ChannelSource, CellCentredGridTakesItsWallsFromLy) {
  const auto dir = eddyop::test::scratch_dir("source_cells");
  eddyop::test::SyntheticChannel ch;
  const auto faces = eddyop::test::stretched_y(17);
  ch.y.clear();
  for (std::size_t j = 0; j + 1 < faces.size(); ++j)
    ch.y.push_back(0.5 * (faces[j] + faces[j + 1]));
  ch.ny = ch.y.size();
  ch.cell_centred = true;
  ch.write_truth((dir / "c.h5").string());
  const pp::ChannelSource s((dir / "c.h5").string());
  EXPECT_DOUBLE_EQ(s.stats_options().y_bottom, 0.0);
  EXPECT_DOUBLE_EQ(s.stats_options().y_top, 2.0);
  std::vector<double> v;
  s.read(v, nullptr, 0, s.slabs());
  const auto st = pp::channel_statistics(s.grid(), v, s.samples(), s.stats_options());
  EXPECT_NEAR(st.re_tau, 180.0, 1e-3);
}

TEST(ChannelSource, MissingFieldsAxesAndPhysicsAreNamed) {
  const auto dir = eddyop::test::scratch_dir("source_bad");
  const eddyop::h5::Shape shape{2, 4, 5, 4};
  const std::vector<float> f(2 * 4 * 5 * 4, 1.0f);
  auto write = [&](const std::string& name, bool w, const std::string& axes, bool nu,
                   std::size_t ny) {
    eddyop::h5::Writer out((dir / name).string(), "dataset", MPI_COMM_SELF);
    for (const char* n : {"u", "v", "w"})
      if (w || std::string(n) != "w") out.write_field(n, axes, f.data(), shape);
    out.write_coordinate("y", eddyop::test::stretched_y(ny));
    out.write_attribute(eddyop::h5::kPhysicsGroup, "Lx", 1.0);
    out.write_attribute(eddyop::h5::kPhysicsGroup, "Lz", 1.0);
    if (nu) out.write_attribute(eddyop::h5::kPhysicsGroup, "nu", 0.01);
    out.close();
    return (dir / name).string();
  };
  const auto no_w = write("no_w.h5", false, "sample,x,y,z", true, 5);
  EXPECT_NE(error_of([&] { pp::ChannelSource s(no_w); }).find("no w field"), std::string::npos);
  const auto bad_axes = write("axes.h5", true, "sample,a,y,z", true, 5);
  EXPECT_NE(error_of([&] { pp::ChannelSource s(bad_axes); }).find("needs x, y and z"),
            std::string::npos);
  const auto late = write("late.h5", true, "x,sample,y,z", true, 5);
  EXPECT_NE(error_of([&] { pp::ChannelSource s(late); }).find("comes after a spatial axis"),
            std::string::npos);
  const auto no_nu = write("nu.h5", true, "sample,x,y,z", false, 5);
  EXPECT_NE(error_of([&] { pp::ChannelSource s(no_nu); }).find("'nu'"), std::string::npos);
  const auto bad_y = write("y.h5", true, "sample,x,y,z", true, 7);
  EXPECT_NE(error_of([&] { pp::ChannelSource s(bad_y); }).find("/grid/y has 7 nodes"),
            std::string::npos);
  const auto good = write("good.h5", true, "sample,x,y,z", true, 5);
  const pp::ChannelSource s(good);
  EXPECT_EQ(s.time_axis(), 0);  // a lone leading axis is the time axis
  EXPECT_FALSE(s.has_pressure());
  eddyop::test::SyntheticChannel ch;
  ch.write_truth((dir / "t.h5").string());
  const pp::ChannelSource t((dir / "t.h5").string());
  EXPECT_NE(error_of([&] { t.expect_same_grid(s); }).find("along x"), std::string::npos);
}
