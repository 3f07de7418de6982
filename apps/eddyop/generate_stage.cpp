#include "eddyop/generate_stage.hpp"

#include <mpi.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "postprocess/export.hpp"
#include "postprocess/xdmf_writer.hpp"
#include "solvers/generate.hpp"

namespace eddyop::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::size_t> dims(const h5::Shape& shape) {
  return std::vector<std::size_t>(shape.begin(), shape.end());
}

postprocess::XdmfAttribute scalar(const h5::Reader& in, const std::string& name) {
  postprocess::XdmfAttribute a;
  a.name = name;
  a.dataset = h5::field_path(name);
  a.shape = dims(in.field(name).shape);
  return a;
}

}  // namespace

std::string write_dataset_xdmf(const std::string& dataset, const std::string& solver) {
  h5::Reader in(dataset);
  postprocess::XdmfGrid g;
  g.hdf5_file = fs::path(dataset).filename().string();
  g.topology = postprocess::XdmfTopology::CoRectMesh2D;
  if (solver == "ns2d") {
    auto w = scalar(in, "vorticity");  // (N, T, nx, ny)
    w.fixed = {0};
    g.n = {w.shape[2], w.shape[3], 0};
    const double h = 1.0 / static_cast<double>(w.shape[2]);
    g.spacing = {h, h};
    g.times = in.read_coordinate("t");
    g.attributes = {w};
  } else if (solver == "darcy") {
    auto a = scalar(in, "a"), u = scalar(in, "u");  // (N, nx, ny)
    g.n = {a.shape[1], a.shape[2], 0};
    const double h = 1.0 / static_cast<double>(a.shape[1] - 1);
    g.spacing = {h, h};
    for (std::size_t s = 0; s < a.shape[0]; ++s) g.times.push_back(static_cast<double>(s));
    g.attributes = {a, u};
  } else if (solver == "burgers") {
    auto u0 = scalar(in, "u0"), ut = scalar(in, "uT");  // (N, nx)
    g.n = {u0.shape[0], u0.shape[1], 0};
    g.spacing = {1.0, 1.0 / static_cast<double>(u0.shape[1])};
    g.attributes = {u0, ut};
  } else if (solver == "channel") {
    return postprocess::write_file_xdmf(dataset);
  } else {
    EDDYOP_FAIL("generate", "'" << dataset << "' was made by solver '" << solver
                                << "', which has no ParaView description yet");
  }
  const fs::path xmf = fs::path(dataset).replace_extension(".xmf");
  postprocess::write_xdmf(xmf.string(), g);
  return xmf.string();
}

StageResult run_generate(const StageContext& context) {
  const auto& c = context.case_;
  const std::string path = solvers::generate(c, context.run_dir, MPI_COMM_WORLD);
  if (path.empty()) return StageResult::done;  // stopped by generate.max_shards; it said so
  if (context.rank == 0)
    spdlog::info("generate: ParaView description {}",
                 write_dataset_xdmf(path, c.get<std::string>("generate.solver")));
  MPI_Barrier(MPI_COMM_WORLD);
  return StageResult::done;
}

}  // namespace eddyop::cli
