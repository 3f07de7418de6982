// Wall-clock time of each phase of the channel step (MPI_Wtime, ~20 ns a reading; a step reads
// it ~70 times). What the step's parts cost on this rank, and what waiting for the other ranks
// costs: a rank that waits shows it in the phase that communicates (halo, transpose, reduce).
#pragma once

#include <mpi.h>

#include <string>

namespace eddyop::solvers::channel {

enum class Phase {
  sgs,          // ν_t, the dynamic C and the SGS force (once per step)
  momentum,     // H: advection, explicit diffusion, ν ∂yy u
  predict,      // δ = Δt(γH + ζH_old) + ... and the update u* = u + δ
  implicit_y,   // Crank–Nicolson solves in y
  halo,         // ghost layers (periodic x, walls, z exchange)
  fillps,       // ∇·u* / (αΔt)
  fft_x,        // real FFTs in x (both ways) and the scaling copies
  transpose,    // packing, the block messages, the own block's copy and unpacking (both ways)
  fft_z,        // complex FFTs in z (both ways)
  tridiagonal,  // Thomas sweeps in y per wavenumber pair
  correct,      // u = u* - αΔt ∇φ and the pressure update
  reduce,       // dt (CFL, viscous limit) and the bulk velocity: loops and allreduces
  count
};

struct PhaseTimes {
  double seconds[static_cast<int>(Phase::count)] = {};
  long steps = 0;
  void add(Phase p, double s) { seconds[static_cast<int>(p)] += s; }
};

// Adds the time between construction and destruction (or stop()) to one phase.
class PhaseTimer {
 public:
  PhaseTimer(PhaseTimes* t, Phase p) : t_(t), p_(p), start_(MPI_Wtime()) {}
  ~PhaseTimer() { stop(); }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  void stop() {
    if (t_ != nullptr) t_->add(p_, MPI_Wtime() - start_);
    t_ = nullptr;
  }

 private:
  PhaseTimes* t_;
  Phase p_;
  double start_;
};

const char* phase_name(Phase p);

// A table of milliseconds per step per phase: the mean over the ranks, the slowest and the
// fastest rank, and the share of the step. Collective over `comm`; the text on every rank.
std::string phase_table(const PhaseTimes& t, MPI_Comm comm);

}  // namespace eddyop::solvers::channel
