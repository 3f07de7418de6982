// HDF5 failures as one-line eddyop::Error messages instead of HDF5's printed error stack.
//
// HDF5 prints its whole error stack to stderr by default, dozens of lines per failure, before
// our code even sees the return value. We switch that printing off and report one line that
// names the file, says what we were doing, and appends HDF5's innermost message (the place the
// failure was detected, which is the informative one: "truncated file: eof = ...").
#pragma once

#include <hdf5.h>

#include <string>

namespace eddyop::h5 {

// Switches off HDF5's automatic printing of its error stack (process-wide; idempotent).
void silence_error_printing();

// The innermost message on HDF5's error stack ("" if it is empty), which is then cleared.
std::string take_innermost_error();

// Throws eddyop::Error "eddyop::hdf5: '<path>': <what> (HDF5: <innermost message>)".
[[noreturn]] void fail_with_stack(const std::string& path, const std::string& what);

// `id` if it is valid; otherwise throws as fail_with_stack does.
hid_t check_id(hid_t id, const std::string& path, const std::string& what);

// Throws as fail_with_stack does when `status` is negative.
void check_status(herr_t status, const std::string& path, const std::string& what);

}  // namespace eddyop::h5
