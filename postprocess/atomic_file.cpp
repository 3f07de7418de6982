#include "postprocess/atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.hpp"

namespace eddyop::postprocess {

namespace fs = std::filesystem;

std::string temporary_name(const std::string& path) {
  // The convention of docs/data-format.md: <path>.tmp.<pid>, in the same directory.
  return path + ".tmp." + std::to_string(::getpid());
}

void commit_file(const std::string& temporary, const std::string& path) {
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    EDDYOP_FAIL_HINT("io", "cannot move the finished file into place as '" << path << "'",
                     "is the directory writable?");
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string tmp = temporary_name(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    EDDYOP_CHECK_HINT(out.good(), "io", "cannot create '" << tmp << "' to write '" << path << "'",
                      "does the directory exist and is it writable?");
    out << text;
    out.flush();
    if (!out.good()) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      EDDYOP_FAIL_HINT("io", "writing '" << path << "' failed", "is the disk full?");
    }
  }
  commit_file(tmp, path);
}

}  // namespace eddyop::postprocess
