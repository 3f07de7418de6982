#include "postprocess/vtk_parallel.hpp"

#include <vtkXMLImageDataWriter.h>
#include <vtkXMLRectilinearGridWriter.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/files.hpp"
#include "postprocess/vtk_writers_detail.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

RectGrid piece_grid(const RectGrid& global, const PieceExtent& piece) {
  RectGrid g;
  for (std::size_t a = 0; a < 3; ++a) {
    EDDYOP_CHECK(
        piece.count[a] >= 1 && piece.start[a] + piece.count[a] <= global.n(static_cast<int>(a)),
        "vtk-parallel",
        "the piece's nodes " << piece.start[a] << " .. " << piece.start[a] + piece.count[a]
                             << " along axis " << a << " are not within the global 0 .. "
                             << global.n(static_cast<int>(a)));
    const auto& c = global.coords[a];
    g.coords[a].assign(c.begin() + static_cast<std::ptrdiff_t>(piece.start[a]),
                       c.begin() + static_cast<std::ptrdiff_t>(piece.start[a] + piece.count[a]));
    g.periodic[a] = global.periodic[a];
    g.period[a] = global.period[a];
  }
  return g;
}

std::string piece_file_name(const std::string& path, int rank) {
  const fs::path p(path);
  std::string ext = p.extension().string();  // ".pvtr" → ".vtr"
  if (ext.size() > 2 && ext[1] == 'p') ext.erase(1, 1);
  return p.stem().string() + "_p" + std::to_string(rank) + ext;
}

namespace {

// Extents as VTK writes them: "x0 x1 y0 y1 z0 z1", inclusive node indices.
std::string extent_text(const std::array<long long, 6>& e) {
  std::ostringstream s;
  s << e[0] << ' ' << e[1] << ' ' << e[2] << ' ' << e[3] << ' ' << e[4] << ' ' << e[5];
  return s.str();
}

std::string point_data_text(const GridFields& f) {
  std::ostringstream s;
  s << "    <PPointData";
  if (!f.velocity.empty()) s << " Vectors=\"velocity\"";
  if (!f.pressure.empty()) s << " Scalars=\"pressure\"";
  s << ">\n";
  if (!f.velocity.empty())
    s << "      <PDataArray type=\"Float32\" Name=\"velocity\" NumberOfComponents=\"3\"/>\n";
  if (!f.pressure.empty()) s << "      <PDataArray type=\"Float32\" Name=\"pressure\"/>\n";
  for (const auto& a : f.scalars)
    s << "      <PDataArray type=\"Float32\" Name=\"" << a.name << "\"/>\n";
  s << "    </PPointData>\n";
  return s.str();
}

// A box of global node indices, inclusive bounds.
struct Box {
  std::array<long long, 3> lo{}, hi{};
  long long volume() const {
    long long v = 1;
    for (std::size_t a = 0; a < 3; ++a) v *= std::max(0LL, hi[a] - lo[a] + 1);
    return v;
  }
  Box intersect(const Box& o) const {
    Box b;
    for (std::size_t a = 0; a < 3; ++a) {
      b.lo[a] = std::max(lo[a], o.lo[a]);
      b.hi[a] = std::min(hi[a], o.hi[a]);
    }
    return b;
  }
  std::array<long long, 6> extent() const { return {lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]}; }
};

// Visits the nodes of `sub` in LayoutRight order with their offset in the array of box `in`.
template <class F>
void for_each_node(const Box& sub, const Box& in, F&& f) {
  const long long ny = in.hi[1] - in.lo[1] + 1, nz = in.hi[2] - in.lo[2] + 1;
  for (long long i = sub.lo[0]; i <= sub.hi[0]; ++i)
    for (long long j = sub.lo[1]; j <= sub.hi[1]; ++j)
      for (long long k = sub.lo[2]; k <= sub.hi[2]; ++k)
        f(static_cast<std::size_t>(((i - in.lo[0]) * ny + (j - in.lo[1])) * nz + (k - in.lo[2])));
}

void write_parallel(MPI_Comm comm, const std::string& path, const RectGrid& global,
                    const PieceExtent& piece, const GridFields& local, bool image_data) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const char* component = "vtk-parallel";

  // Each rank checks its own input; all fail together if any does.
  std::optional<Error> failure;
  std::array<double, 3> spacing{};
  auto agree = [&](const char* stage) {
    int bad = failure ? 1 : 0, any = 0;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
    if (any) {
      if (failure) throw *failure;
      EDDYOP_FAIL(component, "another rank failed while " << stage << " '" << path << "'");
    }
  };
  try {
    validate_grid(global, component);
    EDDYOP_CHECK_HINT(!local.vorticity && !local.q_criterion, component,
                      "vorticity and Q are not derived piece by piece (they need the neighbours' "
                      "values across block boundaries)",
                      "compute them on the whole field, or pass them in as scalars");
    detail::validate_grid_fields(piece_grid(global, piece), local, component);
    if (image_data) spacing = detail::uniform_spacing(global, component);
  } catch (const Error& e) {
    failure = e;
  }
  agree("checking the input for");

  // Every rank learns every block; together they must tile the grid.
  Box own;
  for (std::size_t a = 0; a < 3; ++a) {
    own.lo[a] = static_cast<long long>(piece.start[a]);
    own.hi[a] = static_cast<long long>(piece.start[a] + piece.count[a]) - 1;
  }
  std::vector<long long> flat(6 * static_cast<std::size_t>(size));
  MPI_Allgather(own.extent().data(), 6, MPI_LONG_LONG, flat.data(), 6, MPI_LONG_LONG, comm);
  std::vector<Box> owned(static_cast<std::size_t>(size)), piece_box(owned.size());
  long long covered = 0;
  for (std::size_t r = 0; r < owned.size(); ++r) {
    for (std::size_t a = 0; a < 3; ++a) {
      owned[r].lo[a] = flat[6 * r + 2 * a];
      owned[r].hi[a] = flat[6 * r + 2 * a + 1];
      // A piece reaches one node into the next block, so that the pieces share their faces and
      // no cell is left out between them.
      const long long last = static_cast<long long>(global.n(static_cast<int>(a))) - 1;
      piece_box[r].lo[a] = owned[r].lo[a];
      piece_box[r].hi[a] = std::min(owned[r].hi[a] + 1, last);
    }
    covered += owned[r].volume();
    for (std::size_t q = 0; q < r; ++q)
      EDDYOP_CHECK_HINT(owned[r].intersect(owned[q]).volume() == 0, component,
                        "the blocks of ranks " << q << " and " << r << " overlap",
                        "each node must belong to exactly one rank's block");
  }
  EDDYOP_CHECK_HINT(covered == static_cast<long long>(global.points()), component,
                    "the blocks of " << size << " ranks hold " << covered
                                     << " nodes but the grid has " << global.points(),
                    "each node must belong to exactly one rank's block");

  // The fields as channels: velocity components, pressure, scalars.
  const std::size_t nown = static_cast<std::size_t>(own.volume());
  std::vector<const double*> channels;
  const std::size_t nvel = local.velocity.empty() ? 0 : local.velocity.size / nown;
  for (std::size_t c = 0; c < nvel; ++c) channels.push_back(local.velocity.data + c * nown);
  if (!local.pressure.empty()) channels.push_back(local.pressure.data);
  for (const auto& sc : local.scalars) channels.push_back(sc.values.data);
  const std::size_t nch = channels.size();

  // Fill this rank's piece (its block and the one-node rim from its neighbours).
  const Box mine = piece_box[static_cast<std::size_t>(rank)];
  const std::size_t npiece = static_cast<std::size_t>(mine.volume());
  std::vector<std::vector<double>> filled(nch, std::vector<double>(npiece, 0.0));
  std::vector<int> send_count(owned.size()), send_disp(owned.size()), recv_count(owned.size()),
      recv_disp(owned.size());
  std::vector<double> send, recv;
  for (std::size_t r = 0; r < owned.size(); ++r) {
    send_disp[r] = static_cast<int>(send.size());
    const Box out = own.intersect(piece_box[r]);
    if (static_cast<int>(r) != rank && out.volume() > 0)
      for (std::size_t c = 0; c < nch; ++c)
        for_each_node(out, own, [&](std::size_t q) { send.push_back(channels[c][q]); });
    send_count[r] = static_cast<int>(send.size()) - send_disp[r];
    const Box in = owned[r].intersect(mine);
    recv_count[r] = static_cast<int>(r) != rank
                        ? static_cast<int>(in.volume() * static_cast<long long>(nch))
                        : 0;
    recv_disp[r] = r == 0 ? 0 : recv_disp[r - 1] + recv_count[r - 1];
  }
  recv.resize(static_cast<std::size_t>(recv_disp.back() + recv_count.back()));
  MPI_Alltoallv(send.data(), send_count.data(), send_disp.data(), MPI_DOUBLE, recv.data(),
                recv_count.data(), recv_disp.data(), MPI_DOUBLE, comm);
  for (std::size_t r = 0; r < owned.size(); ++r) {
    const Box in = owned[r].intersect(mine);
    if (in.volume() <= 0) continue;
    if (static_cast<int>(r) == rank) {
      for (std::size_t c = 0; c < nch; ++c) {
        std::vector<std::size_t> src;
        for_each_node(in, own, [&](std::size_t q) { src.push_back(q); });
        std::size_t n = 0;
        for_each_node(in, mine, [&](std::size_t q) { filled[c][q] = channels[c][src[n++]]; });
      }
      continue;
    }
    std::size_t at = static_cast<std::size_t>(recv_disp[r]);
    for (std::size_t c = 0; c < nch; ++c)
      for_each_node(in, mine, [&](std::size_t q) { filled[c][q] = recv[at++]; });
  }

  // Every rank writes its piece.
  PieceExtent extended;
  for (std::size_t a = 0; a < 3; ++a) {
    extended.start[a] = static_cast<std::size_t>(mine.lo[a]);
    extended.count[a] = static_cast<std::size_t>(mine.hi[a] - mine.lo[a] + 1);
  }
  const RectGrid grid = piece_grid(global, extended);
  std::vector<double> velocity;
  for (std::size_t c = 0; c < nvel; ++c)
    velocity.insert(velocity.end(), filled[c].begin(), filled[c].end());
  GridFields fields;
  fields.time = local.time;
  fields.velocity = velocity;
  std::size_t next = nvel;
  if (!local.pressure.empty()) fields.pressure = filled[next++];
  for (const auto& sc : local.scalars) fields.scalars.push_back({sc.name, filled[next++]});

  const std::string dir = fs::path(path).parent_path().string();
  try {
    const std::string piece_path = (fs::path(dir) / piece_file_name(path, rank)).string();
    if (image_data) {
      auto im =
          detail::image(grid, extended.start,
                        {global.coords[0][0], global.coords[1][0], global.coords[2][0]}, spacing);
      detail::attach_grid_fields(im, grid, fields);
      auto w = vtkSmartPointer<vtkXMLImageDataWriter>::New();
      detail::write_with(w, im, piece_path, component);
    } else {
      auto rg = detail::rectilinear(grid, extended.start);
      detail::attach_grid_fields(rg, grid, fields);
      auto w = vtkSmartPointer<vtkXMLRectilinearGridWriter>::New();
      detail::write_with(w, rg, piece_path, component);
    }
  } catch (const Error& e) {
    failure = e;
  }
  agree("writing its piece of");

  // Rank 0 writes the summary once every piece is in place.
  if (rank == 0) {
    try {
      const std::array<long long, 6> whole{0, static_cast<long long>(global.n(0)) - 1,
                                           0, static_cast<long long>(global.n(1)) - 1,
                                           0, static_cast<long long>(global.n(2)) - 1};
      std::ostringstream x;
      x << std::setprecision(17);
      const char* type = image_data ? "PImageData" : "PRectilinearGrid";
      x << "<?xml version=\"1.0\"?>\n<VTKFile type=\"" << type
        << "\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n";
      x << "  <" << type << " WholeExtent=\"" << extent_text(whole) << "\" GhostLevel=\"0\"";
      if (image_data) {
        x << " Origin=\"" << global.coords[0][0] << ' ' << global.coords[1][0] << ' '
          << global.coords[2][0] << "\" Spacing=\"" << spacing[0] << ' ' << spacing[1] << ' '
          << spacing[2] << "\"";
      }
      x << ">\n" << point_data_text(local);
      if (!image_data) {
        x << "    <PCoordinates>\n";
        for (int a = 0; a < 3; ++a) x << "      <PDataArray type=\"Float64\"/>\n";
        x << "    </PCoordinates>\n";
      }
      for (std::size_t r = 0; r < piece_box.size(); ++r)
        x << "    <Piece Extent=\"" << extent_text(piece_box[r].extent()) << "\" Source=\""
          << piece_file_name(path, static_cast<int>(r)) << "\"/>\n";
      x << "  </" << type << ">\n</VTKFile>\n";
      write_file_atomic(path, x.str());
    } catch (const Error& e) {
      failure = e;
    }
  }
  agree("writing the summary of");
}

}  // namespace

void write_pvtr(MPI_Comm comm, const std::string& path, const RectGrid& global,
                const PieceExtent& piece, const GridFields& local) {
  write_parallel(comm, path, global, piece, local, false);
}

void write_pvti(MPI_Comm comm, const std::string& path, const RectGrid& global,
                const PieceExtent& piece, const GridFields& local) {
  write_parallel(comm, path, global, piece, local, true);
}

}  // namespace eddyop::postprocess
