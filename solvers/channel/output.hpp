// The channel's files, all through the HDF5 store (temporary name + rename, provenance):
//   checkpoint.h5  float64 state (z, y, x) for an exact restart
//   dataset.h5     the filtered, coarse-grained training data (trajectory, time, x, y, z)
//   snapshots.h5   full-resolution float32 fields at cell centres (time, x, y, z)
// Layouts in docs/solvers/channel.md.
#pragma once

#include <string>
#include <vector>

#include "core/hdf5/writer.hpp"
#include "core/provenance.hpp"
#include "solvers/channel/solver.hpp"

namespace eddyop::solvers::channel {

// Physics attributes shared by every channel file (Re_tau, nu, forcing, sgs model, grid, ...).
void write_physics(h5::Writer& out, const ChannelSolver& s);

// Collective: each rank writes its z slab of u, v, w, p (float64) and the time and step.
void write_checkpoint(const std::string& path, const ChannelSolver& s, const Provenance& prov);
// Collective: reads the slab of this rank; the grid must match (named in the error otherwise).
void read_checkpoint(const std::string& path, ChannelSolver& s);

// The coarse training grid: box filter over out-cells in x and z, dy-weighted cell average in
// y, of u, v, w, p averaged to fine cell centres. Returns on rank 0 (4, NX, NYc, NZ) (x, y, z
// with z fastest); empty on other ranks. Collective.
std::vector<float> coarse_fields(const ChannelSolver& s, int out_nx, int out_ny, int out_nz);

// Rank 0: u, v, w, p at fine cell centres, (4, nx, ncy, nz); empty elsewhere. Collective.
std::vector<float> centre_fields(const ChannelSolver& s);

}  // namespace eddyop::solvers::channel
