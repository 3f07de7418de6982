// `eddyop stats`: the running statistics that the channel solver writes beside its dataset
// (statistics.h5: mean_u .. vw per cell-centre y, physics nu, ly, statistics_samples), folded onto
// one half, put in wall units and summarised, several runs side by side and against the
// Moser-Kim-Mansour DNS at Re_tau 180. Writes OUT/stats-comparison.md (one table: a row per
// quantity, a column per run, MKM's column first), OUT/stats-comparison.h5 (the profiles, in the
// layout of evaluate's stats.h5, so that the plot scripts read it) and OUT/profiles-*.png.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "postprocess/channel_stats.hpp"
#include "postprocess/mkm_reference.hpp"
#include "postprocess/reference_compare.hpp"

namespace eddyop::postprocess {

// One solver statistics file as read.
struct SolverStatistics {
  std::string file, label;
  ChannelMoments moments;  // (ncy) each, at the cell centres y; covariances <u'u'> etc.
  double nu = 0.0, ly = 0.0;
  long long samples = 0;
  double re_tau_nominal = 0.0;  // the case's Re_tau
  double re_tau_solver = 0.0;   // the solver's own estimate (first-cell gradient), 0 if absent
  std::string sgs_model, forcing;
};

// Reads and checks one file; an error names the file and what it lacks (a field, the y
// coordinate, an attribute, samples, centres that are not those of cells between 0 and ly).
SolverStatistics read_solver_statistics(const std::string& path);

// Every file, checked before anything is computed. `labels`: one per file, or none (then the
// file's stem, or its run folder's name for data/statistics.h5).
std::vector<SolverStatistics> read_solver_statistics_files(const std::vector<std::string>& files,
                                                           const std::vector<std::string>& labels);

// The faces of the cells whose centres are `y_centres` (n), the walls at 0 and ly: f_{j+1} =
// 2 y_j - f_j, checked to increase and to end at ly. (n + 1)
std::vector<double> faces_from_centres(const std::vector<double>& y_centres, double ly,
                                       const std::string& file);

// A profile's largest value: the largest node refined by the parabola through it and its two
// neighbours (exact for a quadratic peak); an end node is taken as it is.
struct Extremum {
  double value = 0.0, y_plus = 0.0;
};
Extremum profile_peak(const std::vector<double>& y_plus, const std::vector<double>& f);

struct ChannelSummary {
  std::string label, file, sgs_model;
  long long samples = 0;
  double re_tau = 0.0, re_tau_solver = 0.0, u_tau = 0.0;
  double u_bulk_plus = 0.0, u_centre_plus = 0.0;
  Extremum u_rms_peak, v_rms_peak, w_rms_peak;
  Extremum uv_min;  // the most negative <u'v'>+
  // max over the folded nodes of |-<u'v'>+ + dU+/dy+ - (1 - y/h)|, and where.
  Extremum total_stress_deviation;
  ChannelStats stats;  // folded profiles in wall units (empty for MKM)
};

// A run: u_τ from the mean wall gradient at both walls (channel_statistics_from_moments), U_b the
// cell average Σ U_j Δy_j / 2h over the solver's cells (as the solver's flow-rate forcing
// measures it), the peaks and the total-stress check from the folded profiles.
ChannelSummary summarise(const SolverStatistics& run);
// MKM's column, with the same definitions: U_b+ = ∫ U+ d(y/h) over its nodes from 0 to 1.
ChannelSummary summarise_mkm(const MkmProfiles& mkm);

struct StatsComparison {
  std::vector<ChannelSummary> runs;
  std::string reference_dir;          // "" when there is no reference
  std::optional<ChannelSummary> mkm;  // MKM's column, when the reference was read
  std::optional<MkmProfiles> mkm_profiles;
  std::vector<std::optional<ProfileComparison>> vs_mkm;  // per run, when compared
  std::vector<std::string> notes;                        // what was not compared, and why
};

// `reference_dir`: the folder holding mkm1999/chan180, or "" (no MKM column, a note says so).
StatsComparison compare_solver_statistics(const std::vector<SolverStatistics>& runs,
                                          const std::string& reference_dir);

// The table (Markdown), with MKM's column and the relative differences of U_b+ and of the u_rms+
// peak to MKM's (targets 3 % and 10 %) when the reference was read, then the notes.
std::string stats_comparison_table(const StatsComparison& comparison);

// Writes OUT/stats-comparison.md, OUT/stats-comparison.h5 and, with `plots`, the PNGs drawn by
// plots/stats_comparison.py; returns the files written.
std::vector<std::string> write_stats_comparison(const StatsComparison& comparison,
                                                const std::string& out_dir, bool plots = true,
                                                int dpi = 110);

}  // namespace eddyop::postprocess
