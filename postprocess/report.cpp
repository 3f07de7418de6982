#include "postprocess/report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "postprocess/plot.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A report is headings, paragraphs, tables and images, rendered as Markdown and as HTML.
struct Block {
  enum Type { heading, paragraph, table, image } type;
  std::string text;                            // heading, paragraph; image caption
  std::vector<std::vector<std::string>> rows;  // table: the first row is the header
  std::string file;                            // image: relative to the report
};

std::string number(const json& v, int digits = 4) {
  if (!v.is_number()) return "–";
  const double x = v.get<double>();
  if (std::isnan(x)) return "–";
  std::ostringstream s;
  s.precision(digits);
  s << x;
  return s.str();
}

std::string peak_text(const json& p) {
  if (!p.is_object()) return "–";
  return number(p["value"]) + " (y+ " + number(p["y_plus"], 3) + ")";
}

std::string crossing_text(const json& c) {
  if (!c.is_object() || !c.value("crossed", false)) return "not crossed";
  return "step " + std::to_string(c["step"].get<long long>()) + " (t " + number(c["time"]) + ")";
}

// The rollout errors of every run: the mean over trajectories, then each trajectory.
void error_tables(std::vector<Block>& b, const json& m) {
  Block err{Block::table, "", {}, {}};
  err.rows.push_back({"run", "trajectories", "steps", "rel. L2 at steps", "final rel. L2",
                      "final horizon L2", "final correlation", "threshold",
                      "mean crosses at (time)", "trajectories crossed (mean time)"});
  Block each{Block::table, "", {}, {}};
  each.rows.push_back({"run", "trajectory", "sample", "final rel. L2", "final horizon L2",
                       "final correlation", "crossed at (time)"});
  for (const auto& r : m["runs"]) {
    if (!r.contains("errors")) continue;
    const json& e = r["errors"];
    std::string at;
    for (const auto& s : e["at_steps"])
      at += (at.empty() ? "" : ", ") + std::to_string(s["step"].get<long long>()) + ": " +
            number(s["rel_l2"], 3);
    std::string final_l2 = number(e["final"]["rel_l2"]);
    if (e.value("trajectories", 1) > 1) final_l2 += " ± " + number(e["final_rel_l2_std"], 3);
    const std::string label = r["label"].get<std::string>();
    err.rows.push_back({label, number(e.value("trajectories", json(1)), 8), number(e["steps"], 8),
                        at.empty() ? "–" : at, final_l2, number(e["final"]["rel_l2_horizon"]),
                        number(e["final"]["correlation"]), number(e["threshold"], 3),
                        crossing_text(e["threshold_crossing"]),
                        e.contains("trajectories_crossed")
                            ? number(e["trajectories_crossed"], 8) + " of " +
                                  number(e["trajectories"], 8) +
                                  (e["trajectories_crossed"].get<long long>() > 0
                                       ? " (t " + number(e["crossing_time_mean"]) + ")"
                                       : "")
                            : "–"});
    if (!e.contains("per_trajectory")) continue;
    for (const auto& t : e["per_trajectory"])
      each.rows.push_back({label, number(t["trajectory"], 8), number(t["sample"], 8),
                           number(t["final"]["rel_l2"]), number(t["final"]["rel_l2_horizon"]),
                           number(t["final"]["correlation"]),
                           crossing_text(t["threshold_crossing"])});
  }
  if (err.rows.size() == 1) return;
  b.push_back(
      {Block::heading,
       "Rollout errors against " + m["truth"].get<std::string>() + " (mean over trajectories)",
       {},
       {}});
  b.push_back(err);
  b.push_back({Block::heading, "Rollout errors per trajectory", {}, {}});
  b.push_back(each);
}

// What each run recorded of its cost per trajectory and sampling interval, and how many times
// cheaper than the first compared solver run (an LES; else the truth's DNS) each is.
void cost_table(std::vector<Block>& b, const json& m) {
  Block t{Block::table, "", {}, {}};
  double reference = 0.0;
  std::string reference_label;
  // The first solver run that is compared (an LES), else the truth's solver.
  for (int pass = 0; pass < 2 && reference_label.empty(); ++pass)
    for (const auto& r : m["runs"])
      if (r.contains("cost") && r["cost"].value("solver", false) && reference_label.empty() &&
          (pass == 1 || !r.value("is_truth", false))) {
        reference = r["cost"]["cpu_s_per_interval"].get<double>();
        reference_label = r["label"].get<std::string>();
      }
  t.rows.push_back({"run", "kind", "CPU s per interval", "wall s per interval",
                    reference_label.empty() ? "–" : "cheaper than " + reference_label + " (CPU)"});
  for (const auto& r : m["runs"]) {
    if (!r.contains("cost")) continue;
    const json& c = r["cost"];
    const double cpu = c["cpu_s_per_interval"].get<double>();
    std::string kind = c.value("solver", false) ? "solver" : "surrogate";
    if (c.contains("steps_per_interval"))
      kind += ", " + number(c["steps_per_interval"], 3) + " steps";
    if (c.contains("batch")) kind += ", batch " + number(c["batch"], 8);
    t.rows.push_back({r["label"].get<std::string>(), kind, number(c["cpu_s_per_interval"], 3),
                      c.contains("wall_s_per_interval") ? number(c["wall_s_per_interval"], 3) : "–",
                      reference > 0 && cpu > 0 ? number(json(reference / cpu), 3) + "×" : "–"});
  }
  if (t.rows.size() == 1) return;
  b.push_back({Block::heading, "Cost per trajectory and sampling interval", {}, {}});
  b.push_back(t);
  b.push_back({Block::paragraph,
               "As each run recorded it: the solver's time steps over the interval, or the "
               "surrogate's forward passes (batched trajectories share a pass), on the machine and "
               "ranks that made it.",
               {},
               {}});
}

void plot_blocks(std::vector<Block>& b, const std::string& kind, const std::string& eval_dir) {
  bool heading = false;
  for (const auto& p : report_plots(kind)) {
    const std::string rel = "plots/" + p.name + ".png";
    if (!fs::is_regular_file(fs::path(eval_dir) / rel)) continue;
    if (!heading) b.push_back({Block::heading, "Plots", {}, {}});
    heading = true;
    b.push_back({Block::image, p.caption, {}, rel});
  }
}

std::string inputs_text(const json& m) {
  std::string inputs = "Runs: ";
  for (const auto& r : m["runs"])
    inputs += "`" + r["label"].get<std::string>() + "` (" + r["file"].get<std::string>() + "); ";
  return inputs;
}

// A periodic box: grid, field statistics and spectra per run, then the errors.
std::vector<Block> build_box(const json& m, const std::string& eval_dir) {
  std::vector<Block> b;
  b.push_back({Block::heading, "Evaluation report (periodic box)", {}, {}});
  b.push_back({Block::paragraph, inputs_text(m), {}, {}});
  std::vector<std::string> channels, spectra;
  for (const auto& r : m["runs"]) {
    for (const auto& c : r["channels"])
      if (std::find(channels.begin(), channels.end(), c.get<std::string>()) == channels.end())
        channels.push_back(c.get<std::string>());
    for (const auto& s : r["spectra"])
      if (std::find(spectra.begin(), spectra.end(), s["name"].get<std::string>()) == spectra.end())
        spectra.push_back(s["name"].get<std::string>());
  }
  Block key{Block::table, "", {}, {}};
  key.rows.push_back({"run", "grid", "trajectories × steps", "samples"});
  for (const auto& c : channels) key.rows[0].push_back(c + " mean / rms");
  for (const auto& s : spectra) key.rows[0].push_back("Σ E (" + s + "), k peak");
  for (const auto& r : m["runs"]) {
    const json& n = r["grid"]["n"];
    std::string grid;
    for (int a = 0; a < r["dimension"].get<int>(); ++a)
      grid += (a ? " × " : "") + number(n[static_cast<std::size_t>(a)], 8);
    std::vector<std::string> row = {r["label"].get<std::string>(), grid,
                                    number(r["trajectories"], 8) + " × " + number(r["steps"], 8),
                                    number(r["samples"], 8)};
    for (const auto& c : channels)
      row.push_back(r["mean"].contains(c) ? number(r["mean"][c], 3) + " / " + number(r["rms"][c], 4)
                                          : "–");
    for (const auto& name : spectra) {
      std::string cell = "–";
      for (const auto& s : r["spectra"])
        if (s["name"] == name) cell = number(s["total"]) + ", " + number(s["k_peak"], 3);
      row.push_back(cell);
    }
    key.rows.push_back(row);
  }
  b.push_back({Block::heading, "Key numbers", {}, {}});
  b.push_back(key);
  error_tables(b, m);
  for (const auto& n : m["notes"]) b.push_back({Block::paragraph, n.get<std::string>(), {}, {}});
  plot_blocks(b, "periodic_box", eval_dir);
  return b;
}

std::vector<Block> build(const json& m, const std::string& eval_dir) {
  if (m.value("kind", std::string("channel")) == "periodic_box") return build_box(m, eval_dir);
  std::vector<Block> b;
  b.push_back({Block::heading, "Evaluation report", {}, {}});
  std::string inputs = "Runs: ";
  for (const auto& r : m["runs"])
    inputs += "`" + r["label"].get<std::string>() + "` (" + r["file"].get<std::string>() + "); ";
  b.push_back({Block::paragraph, inputs, {}, {}});

  Block key{Block::table, "", {}, {}};
  key.rows.push_back({"run", "Re_τ", "U_b+", "U_c+", "C_f", "u_rms+ peak", "v_rms+ peak",
                      "w_rms+ peak", "min <u'v'>+", "samples"});
  for (const auto& r : m["runs"])
    key.rows.push_back({r["label"].get<std::string>(), number(r["re_tau"]),
                        number(r["u_bulk_plus"]), number(r["u_centre_plus"]), number(r["cf"], 3),
                        peak_text(r["u_rms_plus_peak"]), peak_text(r["v_rms_plus_peak"]),
                        peak_text(r["w_rms_plus_peak"]), peak_text(r["uv_plus_min"]),
                        number(r["samples"], 8)});
  b.push_back({Block::heading, "Key numbers", {}, {}});
  b.push_back(key);

  error_tables(b, m);
  cost_table(b, m);

  Block mkm{Block::table, "", {}, {}};
  mkm.rows.push_back({"run", "quantity", "max |Δ|", "at y+", "RMS Δ", "max |Δ| / peak"});
  std::vector<std::string> mkm_notes;
  for (const auto& r : m["runs"]) {
    const json& k = r["mkm"];
    if (!k["compared"].get<bool>()) {
      mkm_notes.push_back("`" + r["label"].get<std::string>() +
                          "`: not compared: " + k["note"].get<std::string>());
      continue;
    }
    for (const auto& [name, q] : k["profiles"].items())
      mkm.rows.push_back({r["label"].get<std::string>(), name, number(q["max_abs"]),
                          number(q["y_plus_at_max"], 3), number(q["rms"]),
                          number(q["max_rel"], 3)});
  }
  b.push_back({Block::heading, "Comparison with Moser, Kim & Mansour (1999), Re_τ 178", {}, {}});
  if (mkm.rows.size() > 1) b.push_back(mkm);
  for (const auto& n : mkm_notes) b.push_back({Block::paragraph, n, {}, {}});
  for (const auto& n : m["notes"]) b.push_back({Block::paragraph, n.get<std::string>(), {}, {}});

  plot_blocks(b, "channel", eval_dir);
  return b;
}

std::string markdown(const std::vector<Block>& blocks) {
  std::ostringstream s;
  bool first = true;
  for (const auto& b : blocks) {
    switch (b.type) {
      case Block::heading:
        s << (first ? "# " : "\n## ") << b.text << "\n\n";
        break;
      case Block::paragraph:
        s << b.text << "\n\n";
        break;
      case Block::table:
        for (std::size_t r = 0; r < b.rows.size(); ++r) {
          s << "|";
          for (const auto& c : b.rows[r]) s << " " << c << " |";
          s << "\n";
          if (r == 0) {
            s << "|";
            for (std::size_t c = 0; c < b.rows[r].size(); ++c) s << "---|";
            s << "\n";
          }
        }
        s << "\n";
        break;
      case Block::image:
        s << "![" << b.text << "](" << b.file << ")\n\n";
        break;
    }
    first = false;
  }
  return s.str();
}

std::string escape(const std::string& text) {
  std::string out;
  bool code = false;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '`')
      out += (code = !code) ? "<code>" : "</code>";
    else
      out += c;
  }
  return out;
}

std::string html(const std::vector<Block>& blocks, const std::string& eval_dir) {
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>eddyop evaluation</title>\n"
       "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
       "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px}"
       "img{max-width:100%}</style></head><body>\n";
  bool first = true;
  for (const auto& b : blocks) {
    switch (b.type) {
      case Block::heading:
        s << (first ? "<h1>" : "<h2>") << escape(b.text) << (first ? "</h1>" : "</h2>") << "\n";
        break;
      case Block::paragraph:
        s << "<p>" << escape(b.text) << "</p>\n";
        break;
      case Block::table:
        s << "<table>\n";
        for (std::size_t r = 0; r < b.rows.size(); ++r) {
          s << "<tr>";
          for (const auto& c : b.rows[r])
            s << (r == 0 ? "<th>" : "<td>") << escape(c) << (r == 0 ? "</th>" : "</td>");
          s << "</tr>\n";
        }
        s << "</table>\n";
        break;
      case Block::image:
        s << "<figure><img alt=\"" << escape(b.text) << "\" src=\"data:image/png;base64,"
          << base64_encode(read_file(fs::path(eval_dir) / b.file)) << "\"><figcaption>"
          << escape(b.text) << "</figcaption></figure>\n";
        break;
    }
    first = false;
  }
  s << "</body></html>\n";
  return s.str();
}

}  // namespace

const std::vector<PlotFile>& report_plots(const std::string& kind) {
  static const std::vector<PlotFile> box = {
      {"shell_spectra", "Shell-averaged spectra (log-log); Σ E(k) is the variance (Parseval)"},
      {"errors",
       "Relative L2 error and correlation against the truth over time: the mean over "
       "trajectories, the band from the lowest to the highest, every trajectory thin"},
      {"slices", "Field slices: truth, prediction and difference"}};
  if (kind == "periodic_box") return box;
  static const std::vector<PlotFile> plots = {
      {"u_plus", "Mean velocity U+ against y+, with the viscous and log laws"},
      {"rms", "RMS velocity fluctuations in wall units"},
      {"reynolds_stress", "Reynolds shear stress -<u'v'>+ and total stress"},
      {"spectra_x", "Streamwise 1-D spectra (outer units) at the chosen y+"},
      {"spectra_z", "Spanwise 1-D spectra (outer units) at the chosen y+"},
      {"errors",
       "Relative L2 error and correlation against the truth over time (mean over trajectories, "
       "band from the lowest to the highest)"},
      {"slices", "x-y slices: truth, prediction and difference"}};
  return plots;
}

std::string finish_evaluation(const std::string& metrics_json, const std::string& stats_h5,
                              const std::string& out_dir, bool plots) {
  write_file_atomic(fs::path(out_dir) / "metrics.json", metrics_json);
  if (plots) {
    const auto pngs = run_plot_scripts(stats_h5, (fs::path(out_dir) / "plots").string());
    spdlog::info("evaluate: {} plots in {}/plots", pngs.size(), out_dir);
  }
  const std::string report = write_report(out_dir);
  spdlog::info("evaluate: wrote {}/stats.h5, metrics.json, {}", out_dir, report);
  return report;
}

std::string write_report(const std::string& eval_dir) {
  const fs::path metrics = fs::path(eval_dir) / "metrics.json";
  json m;
  try {
    m = json::parse(read_file(metrics));
  } catch (const json::exception& e) {
    EDDYOP_FAIL("report", "'" << metrics.string() << "' is not valid JSON: " << e.what());
  }
  EDDYOP_CHECK_HINT(m.contains("runs"), "report", "'" << metrics.string() << "' has no runs",
                    "run eddyop evaluate first");
  const auto blocks = build(m, eval_dir);
  const fs::path md = fs::path(eval_dir) / "report.md";
  write_file_atomic(md, markdown(blocks));
  write_file_atomic(fs::path(eval_dir) / "report.html", html(blocks, eval_dir));
  return md.string();
}

std::string base64_encode(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace eddyop::postprocess
