#include "postprocess/mkm_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parse_number(const std::string& text, double& value) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  value = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

std::vector<std::string> split_ws(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

bool MkmTable::has_column(const std::string& name) const {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

const std::vector<double>& MkmTable::column(const std::string& name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    std::ostringstream names;
    for (const auto& c : columns) names << (&c == &columns.front() ? "" : ", ") << c;
    EDDYOP_FAIL_HINT("mkm", "'" << path << "' has no column '" << name << "'",
                     "its columns are " << names.str());
  }
  return values[static_cast<std::size_t>(it - columns.begin())];
}

double MkmTable::re_tau() const {
  const auto it = header.find("Re_tau");
  double v = 0.0;
  EDDYOP_CHECK(it != header.end() && parse_number(it->second, v), "mkm",
               "'" << path << "' has no 'Re_tau = ...' line in its header");
  return v;
}

MkmTable read_mkm_table(const std::string& path) {
  std::ifstream in(path);
  EDDYOP_CHECK_HINT(in.good(), "mkm", "cannot open '" << path << "'",
                    "is the reference directory right (EDDYOP_REFERENCE_DIR)?");
  MkmTable t;
  t.path = path;
  bool header_done = false;
  std::string last_comment;  // the last non-empty comment line: the column names
  std::string line;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string s = trim(line);
    if (s.empty()) continue;
    if (s[0] == '#') {
      const std::string body = trim(s.substr(1));
      if (body.empty()) continue;
      if (body.rfind("---End of Header", 0) == 0) {
        header_done = true;
        continue;
      }
      if (!header_done) {
        // "Key: value" or "Key = value".
        const auto colon = body.find(':'), eq = body.find('=');
        const auto sep = std::min(colon, eq);
        if (sep != std::string::npos)
          t.header[trim(body.substr(0, sep))] = trim(body.substr(sep + 1));
        continue;
      }
      // After the header: "name = value, name = value" lines, then the column names.
      if (body.find('=') != std::string::npos) {
        std::istringstream items(body);
        for (std::string item; std::getline(items, item, ',');) {
          const auto eq = item.find('=');
          double v = 0.0;
          if (eq != std::string::npos && parse_number(item.substr(eq + 1), v))
            t.parameters[trim(item.substr(0, eq))] = v;
        }
      } else {
        last_comment = body;
      }
      continue;
    }
    // A row of numbers.
    if (t.columns.empty()) {
      t.columns = split_ws(last_comment);
      EDDYOP_CHECK_HINT(!t.columns.empty(), "mkm",
                        "'" << path << "' line " << lineno << ": data before any column names",
                        "is this an MKM statistics file?");
      t.values.resize(t.columns.size());
    }
    const auto words = split_ws(s);
    EDDYOP_CHECK(words.size() == t.columns.size(), "mkm",
                 "'" << path << "' line " << lineno << " has " << words.size()
                     << " values but the header names " << t.columns.size() << " columns");
    for (std::size_t c = 0; c < words.size(); ++c) {
      double v = 0.0;
      EDDYOP_CHECK(parse_number(words[c], v), "mkm",
                   "'" << path << "' line " << lineno << ": '" << words[c] << "' is not a number");
      t.values[c].push_back(v);
    }
  }
  EDDYOP_CHECK(t.rows() > 0, "mkm", "'" << path << "' holds no data rows");
  return t;
}

std::string mkm_chan180_dir(const std::string& reference_dir) {
  const fs::path dir = fs::path(reference_dir) / "mkm1999" / "chan180";
  EDDYOP_CHECK_HINT(fs::is_directory(dir), "mkm",
                    "the MKM reference data are not at '" << dir.string() << "'",
                    "point the reference directory (EDDYOP_REFERENCE_DIR) at the folder that "
                    "holds mkm1999/");
  return dir.string();
}

MkmProfiles read_mkm_chan180_profiles(const std::string& reference_dir) {
  const fs::path dir = fs::path(mkm_chan180_dir(reference_dir)) / "profiles";
  MkmProfiles p;
  p.means = read_mkm_table((dir / "chan180.means").string());
  p.reystress = read_mkm_table((dir / "chan180.reystress").string());
  p.re_tau = p.means.re_tau();
  const auto& y = p.means.column("y");
  const auto& y2 = p.reystress.column("y");
  EDDYOP_CHECK(y.size() == y2.size(), "mkm",
               "chan180.means has " << y.size() << " rows but chan180.reystress " << y2.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    EDDYOP_CHECK(std::abs(y[i] - y2[i]) <= 1e-6, "mkm",
                 "chan180.means and chan180.reystress differ at row " << i << ": y = " << y[i]
                                                                      << " vs " << y2[i]);
  }
  p.y = y;
  p.y_plus = p.means.column("y+");
  p.u_plus = p.means.column("Umean");
  for (double d : p.means.column("dUmean/dy")) p.dudy_plus.push_back(d / p.re_tau);
  for (double r : p.reystress.column("R_uu")) p.u_rms_plus.push_back(std::sqrt(std::max(r, 0.0)));
  for (double r : p.reystress.column("R_vv")) p.v_rms_plus.push_back(std::sqrt(std::max(r, 0.0)));
  for (double r : p.reystress.column("R_ww")) p.w_rms_plus.push_back(std::sqrt(std::max(r, 0.0)));
  p.uv_plus = p.reystress.column("R_uv");
  for (std::size_t i = 0; i < y.size(); ++i)
    p.total_stress_plus.push_back(p.dudy_plus[i] - p.uv_plus[i]);
  return p;
}

MkmTable read_mkm_chan180_spectrum(const std::string& reference_dir, char axis, int y_plus) {
  EDDYOP_CHECK(axis == 'x' || axis == 'z', "mkm",
               "MKM spectra are along 'x' or 'z', not '" << axis << "'");
  const fs::path file = fs::path(mkm_chan180_dir(reference_dir)) / "spectra" /
                        ("chan180." + std::string(1, axis) + "spec." + std::to_string(y_plus));
  if (!fs::exists(file)) {
    std::ostringstream have;
    for (int l : mkm_chan180_spectrum_locations(reference_dir)) have << " " << l;
    EDDYOP_FAIL_HINT(
        "mkm", "there is no MKM spectrum at y+ = " << y_plus << " ('" << file.string() << "')",
        "the spectra are at y+ =" << have.str());
  }
  return read_mkm_table(file.string());
}

std::vector<int> mkm_chan180_spectrum_locations(const std::string& reference_dir) {
  const fs::path dir = fs::path(mkm_chan180_dir(reference_dir)) / "spectra";
  std::vector<int> out;
  const std::string prefix = "chan180.xspec.";
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) out.push_back(std::atoi(name.c_str() + prefix.size()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace eddyop::postprocess
