// Files are written to a temporary name beside the target and renamed when complete, so that a
// crash never leaves a truncated file where a good one was expected.
#pragma once

#include <filesystem>
#include <string>

namespace eddyop {

// A temporary name in the same directory as `target` (rename is atomic only within one file
// system): "<target>.tmp.<pid>".
std::filesystem::path temporary_path_for(const std::filesystem::path& target);

// Moves a finished `temporary` into place as `target`; on failure removes `temporary` and throws.
// For files written by a library (VTK, HDF5) to temporary_path_for(target).
void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& target);

// Writes `text` to `target` through a temporary file and a rename.
void write_file_atomic(const std::filesystem::path& target, const std::string& text);

// Reads a whole text file; a missing or unreadable file is an eddyop::Error naming it.
std::string read_file(const std::filesystem::path& path);

}  // namespace eddyop
