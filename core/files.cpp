#include "core/files.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace eddyop {

std::filesystem::path temporary_path_for(const std::filesystem::path& target) {
  return std::filesystem::path(target.string() + ".tmp." + std::to_string(getpid()));
}

void write_file_atomic(const std::filesystem::path& target, const std::string& text) {
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const auto tmp = temporary_path_for(target);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  EDDYOP_CHECK(f != nullptr, "files",
               "cannot create '" << tmp.string() << "': " << std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  // fsync before the rename: otherwise a power cut can leave the new name on an empty file.
  const bool synced = std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!(written && synced && closed)) {
    std::remove(tmp.c_str());
    EDDYOP_FAIL("files", "cannot write '" << tmp.string() << "': " << std::strerror(err));
  }
  commit_file(tmp, target);
}

void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& target) {
  std::error_code ec;
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    std::remove(temporary.c_str());
    EDDYOP_FAIL_HINT("files",
                     "cannot move the finished file '" << temporary.string() << "' into place as '"
                                                       << target.string() << "': " << ec.message(),
                     "is the directory writable?");
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EDDYOP_CHECK(in.good(), "files", "cannot read '" << path.string() << "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace eddyop
