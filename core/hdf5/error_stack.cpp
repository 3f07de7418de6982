#include "core/hdf5/error_stack.hpp"

#include "core/error.hpp"

namespace eddyop::h5 {

void silence_error_printing() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {
herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* client) {
  // Walking upward, entry 0 is the innermost: the function that detected the failure.
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(client) = error->desc;
  return 0;
}
}  // namespace

std::string take_innermost_error() {
  std::string innermost;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &innermost);
  H5Eclear2(H5E_DEFAULT);
  // One line, whatever HDF5 put in its message.
  for (char& c : innermost) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return innermost;
}

void fail_with_stack(const std::string& path, const std::string& what) {
  const std::string innermost = take_innermost_error();
  EDDYOP_FAIL("hdf5", "'" << path << "': " << what
                          << (innermost.empty() ? "" : " (HDF5: " + innermost + ")"));
}

hid_t check_id(hid_t id, const std::string& path, const std::string& what) {
  if (id < 0) fail_with_stack(path, what);
  return id;
}

void check_status(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) fail_with_stack(path, what);
}

}  // namespace eddyop::h5
