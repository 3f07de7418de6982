// Small channel settings shared by the channel tests: big enough for turbulence-like trips and
// every code path (even nx, nz; 16 cells in y; a coarse output grid that divides them), small
// enough to step in milliseconds.
#pragma once

#include "core/config.hpp"
#include "solvers/channel/params.hpp"

namespace eddyop::testing {

// A case-file schema with `case` (name, seed) and the `channel` section: what run_channel reads.
inline config::Section channel_case_schema() {
  config::Section root("case file", "test");
  config::Section c("case", "case");
  c.add_string("name", "", "name");
  c.add_int("seed", 0, "seed");
  root.add_section(c);
  root.add_section(solvers::channel::channel_section());
  return root;
}

inline solvers::channel::ChannelParams small_channel(solvers::channel::SgsModel model) {
  solvers::channel::ChannelParams p;
  p.nx = 16;
  p.ny = 17;
  p.nz = 8;
  p.sgs = model;
  p.fftw_planner = "estimate";  // plans that do not depend on timing: reproducible runs
  p.out_nx = 8;
  p.out_ny = 9;
  p.out_nz = 4;
  return p;
}

}  // namespace eddyop::testing
