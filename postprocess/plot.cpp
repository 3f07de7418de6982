#include "postprocess/plot.hpp"

#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/files.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

namespace {

constexpr const char* kComponent = "plot";

// The scripts in the order they run; each writes the PNGs it names on standard output.
const char* const kScripts[] = {"profiles.py", "spectra.py", "errors.py", "slices.py"};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string tail(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  std::size_t count = 0;
  while (pos > 0) {
    const std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (nl != pos - 1 && ++count == lines) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

}  // namespace

std::string plot_scripts_dir() {
  if (const char* d = std::getenv("EDDYOP_PLOT_DIR")) return d;
#ifdef EDDYOP_POSTPROCESS_SOURCE_DIR
  return (fs::path(EDDYOP_POSTPROCESS_SOURCE_DIR) / "plots").string();
#else
  return "postprocess/plots";
#endif
}

std::string python_executable() {
  const char* p = std::getenv("EDDYOP_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

std::vector<std::string> run_plot_script(const std::string& script, const std::string& stats_h5,
                                         const std::string& out_dir, const PlotOptions& options) {
  EDDYOP_CHECK_HINT(fs::is_regular_file(stats_h5), kComponent,
                    "no statistics file '" << stats_h5 << "'", "run eddyop evaluate first");
  EDDYOP_CHECK(options.slice_component == "u" || options.slice_component == "v" ||
                   options.slice_component == "w",
               kComponent, "slice component '" << options.slice_component << "' is not u, v or w");
  const std::string python = python_executable();
  fs::create_directories(out_dir);
  const fs::path path = fs::path(plot_scripts_dir()) / script;
  EDDYOP_CHECK_HINT(fs::is_regular_file(path), kComponent,
                    "plot script '" << path.string() << "' is missing",
                    "set EDDYOP_PLOT_DIR to the folder of postprocess/plots");
  const fs::path err = fs::path(out_dir) / (script + ".stderr");
  const fs::path log = fs::path(out_dir) / (script + ".stdout");
  const std::string command =
      "MPLBACKEND=Agg " + shell_quote(python) + " " + shell_quote(path.string()) + " " +
      shell_quote(stats_h5) + " " + shell_quote(out_dir) + " --component " +
      shell_quote(options.slice_component) + " --dpi " + std::to_string(options.dpi) + " >" +
      shell_quote(log.string()) + " 2>" + shell_quote(err.string());
  spdlog::debug("plot: {}", command);
  const int status = std::system(command.c_str());
  const int code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::string err_text, out_text;
  if (fs::exists(err)) err_text = read_file(err);
  if (fs::exists(log)) out_text = read_file(log);
  fs::remove(err);
  fs::remove(log);
  EDDYOP_CHECK_HINT(code == 0, kComponent,
                    "script '" << script << "' failed (exit " << code << ", " << python
                               << "): " << tail(err_text, 6),
                    "the scripts need python3 with matplotlib, h5py and numpy "
                    "(scripts/setup installs them); EDDYOP_PYTHON picks the interpreter");
  std::vector<std::string> written;
  std::istringstream lines(out_text);
  std::string line;
  while (std::getline(lines, line))
    if (line.size() > 4 && line.compare(line.size() - 4, 4, ".png") == 0) {
      EDDYOP_CHECK(fs::is_regular_file(line), kComponent,
                   "script '" << script << "' says it wrote '" << line << "', which is missing");
      written.push_back(line);
    }
  return written;
}

std::vector<std::string> run_plot_scripts(const std::string& stats_h5, const std::string& out_dir,
                                          const PlotOptions& options) {
  std::vector<std::string> written;
  for (const char* script : kScripts) {
    const auto pngs = run_plot_script(script, stats_h5, out_dir, options);
    written.insert(written.end(), pngs.begin(), pngs.end());
  }
  return written;
}

}  // namespace eddyop::postprocess
