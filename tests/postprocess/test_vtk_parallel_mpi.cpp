// Two ranks write their blocks of one field as .pvtr / .pvti pieces; VTK's parallel readers put
// the whole field back together.
#include <gtest/gtest.h>
#include <mpi.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkRectilinearGrid.h>
#include <vtkSmartPointer.h>
#include <vtkXMLPImageDataReader.h>
#include <vtkXMLPRectilinearGridReader.h>

#include <filesystem>

#include "core/error.hpp"
#include "postprocess/vtk_parallel.hpp"
#include "tests/postprocess/helpers.hpp"

namespace pp = eddyop::postprocess;
namespace fs = std::filesystem;

namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

// A directory shared by all ranks (named on rank 0).
fs::path shared_dir(const std::string& name) {
  std::string path;
  if (rank() == 0) path = eddyop::test::scratch_dir(name).string();
  int n = static_cast<int>(path.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  path.resize(static_cast<std::size_t>(n));
  MPI_Bcast(path.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
  return path;
}

double value(std::size_t c, std::size_t i, std::size_t j, std::size_t k) {
  return 1000.0 * c + 100.0 * i + 10.0 * j + k;
}

// This rank's slab of x (split as evenly as the ranks allow) and its velocity and pressure.
struct Block {
  pp::PieceExtent piece;
  std::vector<double> u, p;
};

Block block(const pp::RectGrid& g) {
  const std::size_t nx = g.n(0), ny = g.n(1), nz = g.n(2);
  const std::size_t r = static_cast<std::size_t>(rank()), s = static_cast<std::size_t>(size());
  Block b;
  const std::size_t i0 = nx * r / s, i1 = nx * (r + 1) / s;
  b.piece.start = {i0, 0, 0};
  b.piece.count = {i1 - i0, ny, nz};
  const std::size_t n = (i1 - i0) * ny * nz;
  b.u.resize(3 * n);
  b.p.resize(n);
  for (std::size_t i = i0; i < i1; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k) {
        const std::size_t q = ((i - i0) * ny + j) * nz + k;
        for (std::size_t c = 0; c < 3; ++c) b.u[c * n + q] = value(c, i, j, k);
        b.p[q] = -value(0, i, j, k);
      }
  return b;
}

template <class Data>
void expect_whole_field(Data* d, std::size_t nx, std::size_t ny, std::size_t nz) {
  int dims[3];
  d->GetDimensions(dims);
  EXPECT_EQ(dims[0], static_cast<int>(nx));
  EXPECT_EQ(dims[1], static_cast<int>(ny));
  EXPECT_EQ(dims[2], static_cast<int>(nz));
  vtkDataArray* v = d->GetPointData()->GetVectors();
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v->GetName(), "velocity");
  vtkDataArray* p = d->GetPointData()->GetScalars();
  ASSERT_NE(p, nullptr);
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j)
      for (std::size_t k = 0; k < nz; ++k) {
        const vtkIdType id = static_cast<vtkIdType>(i + nx * (j + ny * k));
        for (int c = 0; c < 3; ++c)
          ASSERT_DOUBLE_EQ(v->GetComponent(id, c), value(static_cast<std::size_t>(c), i, j, k));
        ASSERT_DOUBLE_EQ(p->GetTuple1(id), -value(0, i, j, k));
      }
}

}  // namespace

TEST(VtkParallel, PvtrPiecesFromTwoRanksReadBackAsTheWholeField) {
  const auto grid = pp::channel_grid(7, 4, 3.5, 2.0, eddyop::test::stretched_y(5));
  const auto dir = shared_dir("pvtr");
  const auto b = block(grid);
  pp::GridFields f;
  f.time = 1.5;
  f.velocity = b.u;
  f.pressure = b.p;
  const auto path = (dir / "flow.pvtr").string();
  pp::write_pvtr(MPI_COMM_WORLD, path, grid, b.piece, f);
  EXPECT_TRUE(fs::exists(dir / pp::piece_file_name(path, rank())));

  auto r = vtkSmartPointer<vtkXMLPRectilinearGridReader>::New();
  r->SetFileName(path.c_str());
  r->Update();
  vtkRectilinearGrid* g = r->GetOutput();
  EXPECT_EQ(r->GetNumberOfPieces(), size());
  expect_whole_field(g, 7, 5, 4);
  for (std::size_t i = 0; i < 7; ++i)
    EXPECT_DOUBLE_EQ(g->GetXCoordinates()->GetTuple1(static_cast<vtkIdType>(i)), grid.coords[0][i]);
  EXPECT_DOUBLE_EQ(g->GetYCoordinates()->GetTuple1(1), grid.coords[1][1]);
  vtkDataArray* t = g->GetFieldData()->GetArray("TimeValue");
  ASSERT_NE(t, nullptr);
  EXPECT_DOUBLE_EQ(t->GetTuple1(0), 1.5);
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(VtkParallel, PvtiPiecesFromTwoRanksReadBackAsTheWholeField) {
  const auto grid = pp::periodic_box({6, 4, 3}, {3.0, 2.0, 1.5});
  const auto dir = shared_dir("pvti");
  const auto b = block(grid);
  pp::GridFields f;
  f.velocity = b.u;
  f.pressure = b.p;
  const auto path = (dir / "box.pvti").string();
  pp::write_pvti(MPI_COMM_WORLD, path, grid, b.piece, f);
  auto r = vtkSmartPointer<vtkXMLPImageDataReader>::New();
  r->SetFileName(path.c_str());
  r->Update();
  expect_whole_field(r->GetOutput(), 6, 4, 3);
  double h[3];
  r->GetOutput()->GetSpacing(h);
  EXPECT_DOUBLE_EQ(h[0], 0.5);
  EXPECT_DOUBLE_EQ(h[2], 0.5);
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(VtkParallel, BadPieceOnOneRankFailsOnEveryRank) {
  const auto grid = pp::channel_grid(6, 4, 3.0, 2.0, eddyop::test::stretched_y(5));
  const auto dir = shared_dir("pvtr_bad");
  auto b = block(grid);
  if (rank() == size() - 1) b.u.pop_back();  // a velocity of the wrong shape on the last rank
  pp::GridFields f;
  f.velocity = b.u;
  EXPECT_THROW(pp::write_pvtr(MPI_COMM_WORLD, (dir / "bad.pvtr").string(), grid, b.piece, f),
               eddyop::Error);
  // Blocks that do not tile the grid: refused when the summary is written.
  auto c = block(grid);
  c.piece.count[0] = 1;
  const std::size_t n = grid.n(1) * grid.n(2);
  c.u.resize(3 * n);
  pp::GridFields g;
  g.velocity = c.u;
  if (size() > 1) {
    EXPECT_THROW(pp::write_pvtr(MPI_COMM_WORLD, (dir / "gap.pvtr").string(), grid, c.piece, g),
                 eddyop::Error);
    EXPECT_FALSE(fs::exists(dir / "gap.pvtr"));
  }
  MPI_Barrier(MPI_COMM_WORLD);
}
