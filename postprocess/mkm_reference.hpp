// The Moser-Kim-Mansour (1999) channel DNS statistics at Re_tau = 180, read from the files as
// the authors distribute them (reference_dir/mkm1999/chan180/{profiles,spectra}/...).
//
// A file is a header of '#' lines ("Key: value" lines up to "#---End of Header---", then a line
// of parameters "name = value, ...", then a line naming the columns) followed by rows of numbers.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace eddyop::postprocess {

struct MkmTable {
  std::string path;
  std::map<std::string, std::string> header;  // "Description" → "...", "Re_tau" → "178.12"
  std::map<std::string, double> parameters;   // "ny" → 129, "Re" → 178.12, "y+" → 5.34, ...
  std::vector<std::string> columns;           // as the file names them: "y", "y+", "Umean", ...
  std::vector<std::vector<double>> values;    // (ncolumns)(nrows)

  std::size_t rows() const { return values.empty() ? 0 : values.front().size(); }
  bool has_column(const std::string& name) const;
  // Throws eddyop::Error naming the file and the columns it has when `name` is not one.
  const std::vector<double>& column(const std::string& name) const;
  // Re_tau from the header ("Re_tau = 178.12").
  double re_tau() const;
};

MkmTable read_mkm_table(const std::string& path);

// reference_dir/mkm1999/chan180, checked to exist.
std::string mkm_chan180_dir(const std::string& reference_dir);

// Mean velocity and Reynolds stresses in wall units, from chan180.means and chan180.reystress.
struct MkmProfiles {
  double re_tau = 0.0;
  std::vector<double> y;                          // y/h, wall (0) to centre (1)
  std::vector<double> y_plus, u_plus, dudy_plus;  // dU+/dy+
  std::vector<double> u_rms_plus, v_rms_plus, w_rms_plus, uv_plus, total_stress_plus;
  MkmTable means, reystress;
};

MkmProfiles read_mkm_chan180_profiles(const std::string& reference_dir);

// One-dimensional spectra along 'x' or 'z' at the wall distance y+ given by the file name
// (5, 10, 19, 30, 40, 59, 79, 98, 178): columns k_x (or k_z), E_uu, E_vv, E_ww, E_pp, normalised so
// that Σ_k E_uu = <u'u'>+ (the normalisation of spectra.hpp).
MkmTable read_mkm_chan180_spectrum(const std::string& reference_dir, char axis, int y_plus);
std::vector<int> mkm_chan180_spectrum_locations(const std::string& reference_dir);

}  // namespace eddyop::postprocess
