// Files are written to a temporary name beside the target and renamed when complete, so that a
// crash never leaves a truncated file where a good one was expected.
#pragma once

#include <string>

namespace eddyop::postprocess {

// `<path>.tmp.<pid>`: beside `path` (same file system, so the rename is atomic), as for HDF5
// files (docs/data-format.md).
std::string temporary_name(const std::string& path);

// Renames `temporary` to `path`; on failure removes `temporary` and throws eddyop::Error.
void commit_file(const std::string& temporary, const std::string& path);

// Writes `text` to `path` through a temporary file.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace eddyop::postprocess
