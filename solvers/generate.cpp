#include "solvers/generate.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/mpi.hpp"
#include "core/progress.hpp"
#include "core/provenance.hpp"
#include "solvers/channel/params.hpp"
#include "solvers/channel/run.hpp"
#include "solvers/pde/pde_sections.hpp"

namespace eddyop::solvers {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "generate";
constexpr const char* kShardKind = "shard";

// One field of the dataset: its name, axis names, and the shape of one sample.
struct FieldSpec {
  std::string name;
  std::string axes;
  h5::Shape sample_shape;

  std::int64_t sample_size() const {
    std::int64_t n = 1;
    for (auto e : sample_shape) n *= e;
    return n;
  }
};

// Makes sample `sample`: one buffer per FieldSpec, each (sample_shape).
using Sampler = std::function<void(std::vector<std::vector<float>>& fields, std::uint64_t sample)>;

// What a solver contributes: its fields, how to make a sample, how to describe the dataset.
struct Problem {
  std::string solver;
  SampleCounts counts;
  long long shard_samples = 1;
  std::vector<FieldSpec> fields;
  std::string settings;                       // everything a sample depends on, as YAML text
  std::function<Sampler()> make_sampler;      // once per rank, after validation
  std::function<void(h5::Writer&)> describe;  // grid and physics; collective
};

// out: (n, n) with y fastest, index [i][j] = f(x_i, y_j); in: (n, n) with x fastest, the
// solvers' order. The dataset's axes are (x, y), the channel's convention.
void transpose_xy(float* out, const float* in, int n) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      out[static_cast<std::size_t>(i) * n + j] = in[static_cast<std::size_t>(j) * n + i];
}

std::vector<double> uniform(int n, double h) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = i * h;
  return x;
}

void write_grf(h5::Writer& out, const std::string& prefix, const GrfParams& g) {
  out.write_attribute(h5::kPhysicsGroup, prefix + "_alpha", g.alpha);
  out.write_attribute(h5::kPhysicsGroup, prefix + "_tau", g.tau);
  out.write_attribute(h5::kPhysicsGroup, prefix + "_scale", g.scale);
}

// The solver's section without the sample counts (a shard does not depend on them), the seed,
// and for Darcy the PETSc options of the case, which set the solver's tolerance.
std::string settings_text(const config::Case& c, const std::string& solver) {
  YAML::Node section = YAML::Clone(c.node(solver));
  section.remove("samples");
  section.remove("test_samples");
  YAML::Node root;
  root["solver"] = solver;
  root["seed"] = c.get<long long>("case.seed");
  root[solver] = section;
  if (solver == "darcy" && c.has("petsc")) root["petsc"] = YAML::Clone(c.node("petsc"));
  YAML::Emitter e;
  e << root;
  return std::string(e.c_str()) + "\n";
}

long long shard_size(const config::Case& c, const std::string& solver, long long samples) {
  const auto asked = c.get<long long>("generate.shard_samples");
  if (asked > 0) return asked;
  // A trajectory is expensive: one per shard. A Darcy or Burgers sample is a fraction of a
  // second: about a hundred shards in all.
  if (solver == "ns2d") return 1;
  return std::max(1LL, (samples + 99) / 100);
}

Problem ns2d_problem(const config::Case& c) {
  const Ns2dParams p = ns2d_params(c);
  validate(p);
  const auto seed = c.get<std::uint64_t>("case.seed");
  const int records = ns2d_record_count(p);
  const int m = p.n_store;
  Problem pr;
  pr.fields = {{"vorticity", "sample,time,x,y", {records, m, m}}};
  pr.make_sampler = [p, seed, records, m]() -> Sampler {
    return [p, seed, records, m](std::vector<std::vector<float>>& f, std::uint64_t s) {
      const std::vector<float> w = ns2d_sample(p, seed, s);  // (records, m, m), x fastest
      f[0].resize(w.size());
      const std::size_t plane = static_cast<std::size_t>(m) * m;
      for (int t = 0; t < records; ++t) transpose_xy(&f[0][t * plane], &w[t * plane], m);
    };
  };
  pr.describe = [p, records, m](h5::Writer& out) {
    out.write_coordinate("x", uniform(m, 1.0 / m));
    out.write_coordinate("y", uniform(m, 1.0 / m));
    out.write_coordinate("t", uniform(records, p.record_interval));
    const auto ph = h5::kPhysicsGroup;
    out.write_attribute(ph, "equation",
                        std::string("vorticity form of 2D Navier-Stokes, unit torus"));
    out.write_attribute(ph, "nu", p.nu);
    out.write_attribute(ph, "dt", p.dt);
    out.write_attribute(ph, "record_interval", p.record_interval);
    out.write_attribute(ph, "t_final", p.t_final);
    out.write_attribute(
        ph, "forcing", std::string(p.forcing ? "0.1*(sin(2*pi*(x+y)) + cos(2*pi*(x+y)))" : "none"));
    out.write_attribute(ph, "n_solver", static_cast<long long>(p.n));
    out.write_attribute(ph, "velocity_bound", p.velocity_bound);
    out.write_attribute(ph, "cfl_max", p.cfl_max);
    write_grf(out, "initial_field", p.ic);
  };
  return pr;
}

Problem darcy_problem(const config::Case& c) {
  const DarcyParams p = darcy_params(c);
  validate(p);
  const auto seed = c.get<std::uint64_t>("case.seed");
  const int m = p.n_store;
  Problem pr;
  pr.fields = {{"a", "sample,x,y", {m, m}}, {"u", "sample,x,y", {m, m}}};
  pr.make_sampler = [p, seed, m]() -> Sampler {
    // One solver per rank on MPI_COMM_SELF: a rank's sample is the same bits as a 1-rank run's.
    auto solver = std::make_shared<DarcySolver>(p, MPI_COMM_SELF);
    return [p, seed, m, solver](std::vector<std::vector<float>>& f, std::uint64_t s) {
      const DarcySample d = darcy_sample(*solver, p, seed, s);
      f[0].resize(d.a.size());
      f[1].resize(d.u.size());
      transpose_xy(f[0].data(), d.a.data(), m);
      transpose_xy(f[1].data(), d.u.data(), m);
    };
  };
  pr.describe = [p, m](h5::Writer& out) {
    out.write_coordinate("x", uniform(m, 1.0 / (m - 1)));
    out.write_coordinate("y", uniform(m, 1.0 / (m - 1)));
    const auto ph = h5::kPhysicsGroup;
    out.write_attribute(ph, "equation",
                        std::string("-div(a grad u) = f on (0,1)^2, u = 0 on the boundary"));
    out.write_attribute(ph, "a_plus", p.a_plus);
    out.write_attribute(ph, "a_minus", p.a_minus);
    out.write_attribute(ph, "source", p.source);
    out.write_attribute(ph, "face",
                        std::string(p.face == FaceAverage::harmonic ? "harmonic" : "arithmetic"));
    out.write_attribute(ph, "n_solver", static_cast<long long>(p.n));
    write_grf(out, "coefficient_field", p.coef);
  };
  return pr;
}

Problem burgers_problem(const config::Case& c) {
  const BurgersParams p = burgers_params(c);
  validate(p);
  const auto seed = c.get<std::uint64_t>("case.seed");
  const int m = p.n_store;
  Problem pr;
  pr.fields = {{"u0", "sample,x", {m}}, {"uT", "sample,x", {m}}};
  pr.make_sampler = [p, seed]() -> Sampler {
    return [p, seed](std::vector<std::vector<float>>& f, std::uint64_t s) {
      BurgersSample b = burgers_sample(p, seed, s);
      f[0] = std::move(b.u0);
      f[1] = std::move(b.uT);
    };
  };
  pr.describe = [p, m](h5::Writer& out) {
    out.write_coordinate("x", uniform(m, 1.0 / m));
    const auto ph = h5::kPhysicsGroup;
    out.write_attribute(ph, "equation",
                        std::string("u_t + (u^2/2)_x = nu u_xx, periodic on [0,1)"));
    out.write_attribute(ph, "nu", p.nu);
    out.write_attribute(ph, "dt", p.dt);
    out.write_attribute(ph, "t_final", p.t_final);
    out.write_attribute(ph, "cfl_max", p.cfl_max);
    out.write_attribute(ph, "n_solver", static_cast<long long>(p.n));
    write_grf(out, "initial_field", p.ic);
  };
  return pr;
}

// Validates the solver's settings and returns what it contributes.
Problem make_problem(const config::Case& c) {
  const auto solver = c.get<std::string>("generate.solver");
  Problem pr = solver == "ns2d"    ? ns2d_problem(c)
               : solver == "darcy" ? darcy_problem(c)
                                   : burgers_problem(c);
  pr.solver = solver;
  pr.counts = sample_counts(c, solver);
  pr.shard_samples = shard_size(c, solver, pr.counts.samples);
  pr.settings = settings_text(c, solver);
  return pr;
}

// ---- shards ---------------------------------------------------------------------------------

struct Shard {
  long long first = 0, count = 0;
};

Shard shard(const Problem& pr, long long k) {
  const long long first = k * pr.shard_samples;
  return {first, std::min(pr.shard_samples, pr.counts.samples - first)};
}

long long shard_count(const Problem& pr) {
  return (pr.counts.samples + pr.shard_samples - 1) / pr.shard_samples;
}

fs::path shard_path(const fs::path& dir, const Shard& s) {
  char name[64];
  std::snprintf(name, sizeof name, "shard-%010lld-%06lld.h5", s.first, s.count);
  return dir / name;
}

h5::Shape global_shape(const FieldSpec& f, long long samples) {
  h5::Shape shape{samples};
  shape.insert(shape.end(), f.sample_shape.begin(), f.sample_shape.end());
  return shape;
}

// Makes the samples of shard `s` and writes them as one file (temporary name + rename).
void make_shard(const Problem& pr, const Sampler& sample, const fs::path& path, const Shard& s,
                const std::function<void(long long)>& done_one) {
  std::vector<std::vector<float>> block(pr.fields.size()), one(pr.fields.size());
  for (std::size_t f = 0; f < pr.fields.size(); ++f)
    block[f].resize(static_cast<std::size_t>(s.count * pr.fields[f].sample_size()));
  for (long long i = 0; i < s.count; ++i) {
    sample(one, static_cast<std::uint64_t>(s.first + i));
    for (std::size_t f = 0; f < pr.fields.size(); ++f) {
      const auto size = static_cast<std::size_t>(pr.fields[f].sample_size());
      EDDYOP_CHECK(one[f].size() == size, kComponent,
                   pr.solver << " gave " << one[f].size() << " values for field "
                             << pr.fields[f].name << ", not " << size);
      std::copy(one[f].begin(), one[f].end(), block[f].begin() + static_cast<long>(i * size));
    }
    done_one(s.first + i);
  }
  h5::Writer out(path.string(), kShardKind, MPI_COMM_SELF);
  for (std::size_t f = 0; f < pr.fields.size(); ++f) {
    const auto& spec = pr.fields[f];
    out.create_field(spec.name, h5::DType::kFloat32, spec.axes, global_shape(spec, s.count));
    out.write_slab(spec.name, block[f].data(), 0, s.count);
  }
  out.write_attribute(h5::kRoot, "settings", pr.settings);
  out.write_attribute(h5::kRoot, "first", s.first);
  out.close();
}

// Rank 0's verdict on an existing shard: "" when it can be used, else why not.
std::string check_shard(const Problem& pr, const fs::path& path, const Shard& s) {
  try {
    h5::Reader in(path.string(), MPI_COMM_SELF);
    in.expect_kind(kShardKind);
    if (in.read_string(h5::kRoot, "settings") != pr.settings)
      return "shard '" + path.string() + "' was made with other settings than this case's";
    for (const auto& f : pr.fields)
      in.expect_field(f.name, h5::DType::kFloat32, global_shape(f, s.count));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string dataset_settings(const Problem& pr) {
  return pr.settings + "samples: " + std::to_string(pr.counts.samples) +
         "\ntest_samples: " + std::to_string(pr.counts.test_samples) + "\n";
}

// True when `path` is a complete dataset made with exactly these settings.
bool up_to_date(const Problem& pr, const fs::path& path) {
  if (!fs::exists(path)) return false;
  try {
    h5::Reader in(path.string(), MPI_COMM_SELF);
    if (in.kind() != "dataset") return false;
    if (in.read_string(h5::kProvenanceGroup, "generator_settings") != dataset_settings(pr))
      return false;
    for (const auto& f : pr.fields)
      in.expect_field(f.name, h5::DType::kFloat32, global_shape(f, pr.counts.samples));
  } catch (const Error&) {
    return false;
  }
  return true;
}

std::string join_ints(const std::vector<long long>& v) {
  std::string s;
  for (auto x : v) s += std::to_string(x) + " ";
  return s;
}

std::vector<long long> split_ints(const std::string& s) {
  std::vector<long long> v;
  std::istringstream in(s);
  for (long long x; in >> x;) v.push_back(x);
  return v;
}

struct Survey {
  bool up_to_date = false;
  std::vector<long long> missing;  // indices of the shards still to make
};

// Rank 0 looks at what an earlier run left (a complete dataset, finished shards) and tells the
// others; a shard made with other settings is an error on every rank.
Survey survey_on_rank0(const Problem& pr, const fs::path& output, const fs::path& shards,
                       MPI_Comm comm) {
  std::string verdict;  // "up to date", "error: ...", or "missing <indices>"
  if (mpi::rank(comm) == 0) {
    try {
      fs::create_directories(shards);
      if (up_to_date(pr, output)) {
        verdict = "up to date";
      } else {
        std::vector<long long> missing;
        for (long long i = 0; i < shard_count(pr) && verdict.empty(); ++i) {
          const Shard s = shard(pr, i);
          const fs::path path = shard_path(shards, s);
          if (!fs::exists(path)) {
            missing.push_back(i);
            continue;
          }
          const std::string why = check_shard(pr, path, s);
          if (!why.empty())
            verdict = "error: " + why + "; delete the folder '" + shards.string() +
                      "' to start afresh, or run with the case that made it";
        }
        if (verdict.empty()) verdict = "missing " + join_ints(missing);
      }
    } catch (const std::exception& e) {
      verdict = std::string("error: ") + e.what();
    }
  }
  verdict = mpi::broadcast_string(comm, verdict);
  EDDYOP_CHECK(verdict.rfind("error: ", 0) != 0, kComponent, verdict.substr(7));
  Survey survey;
  survey.up_to_date = verdict == "up to date";
  if (!survey.up_to_date) survey.missing = split_ints(verdict.substr(8));
  return survey;
}

// Each rank makes its contiguous block of the missing shards (at most generate.max_shards of
// them). `made`: samples made by all ranks. Returns whether every missing shard is now made.
bool make_missing_shards(const config::Case& c, const Problem& pr,
                         const std::vector<long long>& missing, const fs::path& shards,
                         MPI_Comm comm, long long& made) {
  const int rank = mpi::rank(comm), size = mpi::size(comm);
  const auto m = static_cast<long long>(missing.size());
  const long long lo = m * rank / size, hi = m * (rank + 1) / size;
  const auto cap = c.get<long long>("generate.max_shards");
  const long long end = cap > 0 ? std::min(hi, lo + cap) : hi;
  long long mine = 0, done = 0;
  for (long long i = lo; i < end; ++i) mine += shard(pr, missing[i]).count;
  if (lo < end) {
    ProgressOptions po;
    po.every_seconds = c.get<double>("runtime.progress_seconds");
    po.every_steps = c.get<long>("runtime.progress_steps");
    po.enabled = rank == 0;
    Progress progress(
        size > 1 ? "generate " + pr.solver + " (rank 0's share)" : "generate " + pr.solver, mine,
        po);
    const Sampler sampler = pr.make_sampler();
    for (long long i = lo; i < end; ++i) {
      const Shard s = shard(pr, missing[i]);
      make_shard(pr, sampler, shard_path(shards, s), s, [&](long long sample) {
        ++done;
        progress.update(done, "sample " + std::to_string(sample));
      });
    }
    progress.finish();
  }
  long long shards_made = end - lo, all_shards = 0;
  MPI_Allreduce(&done, &made, 1, MPI_LONG_LONG, MPI_SUM, comm);
  MPI_Allreduce(&shards_made, &all_shards, 1, MPI_LONG_LONG, MPI_SUM, comm);
  return all_shards == m;
}

// Merges every shard into `output`, collectively: rank r writes the shards of its contiguous
// block, one collective slab at a time.
void merge(const config::Case& c, const Problem& pr, const fs::path& shards, const fs::path& output,
           MPI_Comm comm) {
  const int rank = mpi::rank(comm), size = mpi::size(comm);
  const long long k = shard_count(pr);
  const long long lo = k * rank / size, hi = k * (rank + 1) / size;
  const long long rounds = (k + size - 1) / size;
  h5::Writer out(output.string(), "dataset", comm);
  for (const auto& f : pr.fields)
    out.create_field(f.name, h5::DType::kFloat32, f.axes, global_shape(f, pr.counts.samples));
  std::vector<float> buffer;
  for (long long r = 0; r < rounds; ++r) {
    const long long index = lo + r;
    if (index < hi) {
      const Shard s = shard(pr, index);
      h5::Reader in(shard_path(shards, s).string(), MPI_COMM_SELF);
      for (const auto& f : pr.fields) {
        in.expect_field(f.name, h5::DType::kFloat32, global_shape(f, s.count));
        in.read_field(buffer, f.name);
        out.write_slab(f.name, buffer.data(), s.first, s.count);
      }
    } else {
      for (const auto& f : pr.fields)
        out.write_slab(f.name, static_cast<const float*>(nullptr), 0, 0);
    }
  }
  pr.describe(out);
  out.write_attribute(h5::kRoot, "solver", pr.solver);
  out.write_attribute(h5::kRoot, "test_samples", pr.counts.test_samples);
  out.write_attribute(h5::kRoot, "train_samples", pr.counts.samples - pr.counts.test_samples);
  out.write_provenance(Provenance::collect(c.get<long long>("case.seed"), c.resolved_yaml(), comm));
  out.write_attribute(h5::kProvenanceGroup, "generator_settings", dataset_settings(pr));
  out.close();
}

}  // namespace

std::vector<config::Section> solver_sections() {
  config::Section g("generate", "What `eddyop generate` makes and where it writes it.");
  g.add_string("solver", "channel",
               "Solver that makes the dataset; its section below holds its settings. The channel "
               "writes dataset.h5, statistics.h5 and checkpoint.h5 into the folder of `output`.")
      .choices({"ns2d", "darcy", "burgers", "channel"});
  g.add_string("output", "data/dataset.h5",
               "Dataset file, relative to the run directory unless absolute; an .xmf is "
               "written beside it.");
  g.add_int("shard_samples", 0,
            "Samples per shard file, the unit of resume (0: 1 for ns2d, samples/100 otherwise).")
      .min(0);
  g.add_int("max_shards", 0,
            "Stop after each rank has made this many shards; the next run resumes (0: no limit).")
      .min(0);
  return {g, ns2d_section(), darcy_section(), burgers_section(), channel::channel_section()};
}

void validate_generate(const config::Case& c) {
  const auto solver = c.get<std::string>("generate.solver");
  if (solver == "channel") {
    channel::validate(channel::params_from_case(c), mpi::size(MPI_COMM_WORLD));
    return;
  }
  make_problem(c);
}

GenerateResult generate_dataset(const config::Case& c, const std::string& run_dir, MPI_Comm comm) {
  const Problem pr = make_problem(c);  // validates before anything is allocated
  const int rank = mpi::rank(comm);
  fs::path output = c.get<std::string>("generate.output");
  if (output.is_relative()) output = fs::path(run_dir) / output;
  const fs::path shards = output.string() + ".shards";
  GenerateResult result;
  result.path = output.string();
  result.samples = pr.counts.samples;

  const Survey survey = survey_on_rank0(pr, output, shards, comm);
  if (survey.up_to_date) {
    if (rank == 0) {
      fs::remove_all(shards);
      spdlog::info("generate {}: {} is already complete with these settings; nothing to do",
                   pr.solver, output.string());
    }
    result.up_to_date = result.complete = true;
    return result;
  }
  long long to_make = 0;
  for (auto i : survey.missing) to_make += shard(pr, i).count;
  result.reused = pr.counts.samples - to_make;
  spdlog::info(
      "generate {}: {} samples (seed {}) into {}; {} already in shards, {} to make on {} "
      "rank(s)",
      pr.solver, pr.counts.samples, c.get<long long>("case.seed"), output.string(), result.reused,
      to_make, mpi::size(comm));

  if (!make_missing_shards(c, pr, survey.missing, shards, comm, result.made)) {
    if (rank == 0)
      spdlog::warn(
          "generate {}: stopped after generate.max_shards = {} shards per rank; {} of {} "
          "samples are done, in {}. Run again to make the rest.",
          pr.solver, c.get<long long>("generate.max_shards"), result.reused + result.made,
          pr.counts.samples, shards.string());
    result.path.clear();
    return result;
  }
  merge(c, pr, shards, output, comm);
  MPI_Barrier(comm);
  if (rank == 0) fs::remove_all(shards);
  result.complete = true;
  spdlog::info("generate {}: wrote {} ({} samples; {} made now, {} from earlier shards)", pr.solver,
               output.string(), pr.counts.samples, result.made, result.reused);
  return result;
}

std::string generate(const config::Case& c, const std::string& run_dir, MPI_Comm comm) {
  if (c.get<std::string>("generate.solver") == "channel") {
    // The channel is one long run per trajectory (restartable from its checkpoint), not
    // independent samples, so it writes its own files into the folder of generate.output.
    fs::path output = c.get<std::string>("generate.output");
    if (output.is_relative()) output = fs::path(run_dir) / output;
    return channel::run_channel(c, output.parent_path().string(), comm).dataset;
  }
  return generate_dataset(c, run_dir, comm).path;
}

}  // namespace eddyop::solvers
