// .pvtr / .pvti written from several MPI ranks: every rank writes its block of the global grid as a
// piece (<stem>_p<rank>.vtr or .vti beside the summary file) with VTK's serial writer, and rank 0
// writes the summary file that ParaView opens, naming each piece and its extent.
//
// Each rank owns a block of nodes (the blocks tile the grid without overlap); its piece reaches one
// node further along each axis into the neighbouring block, with the values exchanged over MPI,
// so that the pieces share their faces and no cell is missing between them. Vorticity and Q need
// the neighbours' values on both sides, so they are not derived here: compute them on the whole
// field, or pass them in as scalars.
#pragma once

#include <mpi.h>

#include <array>
#include <cstddef>
#include <string>

#include "postprocess/vtk_writers.hpp"

namespace eddyop::postprocess {

// This rank's block of the global grid, in global node indices.
struct PieceExtent {
  std::array<std::size_t, 3> start{{0, 0, 0}};
  std::array<std::size_t, 3> count{{0, 0, 0}};
};

// The part of `global` in `piece`, as a grid of its own (periodic axes keep their period).
RectGrid piece_grid(const RectGrid& global, const PieceExtent& piece);

// Collective over `comm`. `local` holds this rank's block, (3, cx, cy, cz) etc. The blocks of all
// ranks must tile the global grid. Throws eddyop::Error on every rank when any rank fails.
void write_pvtr(MPI_Comm comm, const std::string& path, const RectGrid& global,
                const PieceExtent& piece, const GridFields& local);
void write_pvti(MPI_Comm comm, const std::string& path, const RectGrid& global,
                const PieceExtent& piece, const GridFields& local);

// The name of rank `rank`'s piece of the summary file `path` ("dir/flow.pvtr" → "flow_p3.vtr").
std::string piece_file_name(const std::string& path, int rank);

}  // namespace eddyop::postprocess
