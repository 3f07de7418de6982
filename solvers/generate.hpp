// `eddyop generate`: makes a dataset with the solver the case names and writes it in our HDF5
// layout (docs/data-format.md), from every rank of a communicator into one file.
//
// The samples are cut into shards of generate.shard_samples consecutive samples (the cut does
// not depend on the number of ranks); the shards still missing are split into contiguous blocks
// across the ranks, and each rank writes each finished shard as its own small HDF5 file in
// `<output>.shards/` (temporary name + rename, so a shard file is complete or absent). When
// every shard is there, all ranks merge them collectively into `<output>` (again temporary name
// + rename) and the shard folder is removed. A run killed at any moment therefore loses at most
// the shards being made; the next run checks that the shards left were made with the same
// settings, skips them and makes the rest. A sample is a pure function of (parameters, seed,
// sample index), so the dataset is bitwise the same whatever the number of ranks or restarts.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

#include "core/config.hpp"

namespace eddyop::solvers {

// The sections `generate:`, `ns2d:`, `darcy:` and `burgers:` of the case schema.
std::vector<config::Section> solver_sections();

// Checks the settings of the solver the case names (generate.solver), before anything is
// allocated; throws eddyop::Error naming the parameter, its value and the limit. Darcy reads
// the PETSc options (-darcy_pc_mg_levels ...), so PETSc must be initialised. "channel" is
// accepted here and refused by generate() until the channel solver is wired.
void validate_generate(const config::Case& c);

struct GenerateResult {
  std::string path;         // the dataset; empty when the run stopped before the merge
  long long samples = 0;    // in the dataset
  long long made = 0;       // made by this run, all ranks together
  long long reused = 0;     // found in shards of an earlier run
  bool up_to_date = false;  // the dataset was already complete with these settings
  bool complete = false;    // the dataset is written
};

// Collective over `comm`. The dataset goes to generate.output, relative to `run_dir` unless
// absolute. generate.max_shards > 0 stops each rank after that many new shards (a batch job with
// a wall-time limit; the next run resumes), and then `complete` is false.
GenerateResult generate_dataset(const config::Case& c, const std::string& run_dir, MPI_Comm comm);

// The written dataset's path, or "" when max_shards stopped the run before the merge.
std::string generate(const config::Case& c, const std::string& run_dir, MPI_Comm comm);

}  // namespace eddyop::solvers
