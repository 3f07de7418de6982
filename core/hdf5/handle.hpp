// RAII ownership of HDF5 identifiers (hid_t), so that nothing leaks when an exception unwinds.
//
//   Handle<H5Dclose> dataset(H5Dopen2(file, "/fields/u", H5P_DEFAULT));
//
// The close function is part of the type, so that a dataset can never be closed with H5Gclose.
#pragma once

#include <hdf5.h>

#include <utility>

namespace eddyop::h5 {

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

  // Closes now and reports whether HDF5 succeeded: closing a file is where buffered data reaches
  // the disk, so its failure must not go unnoticed the way a destructor would let it.
  herr_t close() { return valid() ? Close(std::exchange(id_, H5I_INVALID_HID)) : 0; }

  // Closes, ignoring failure: for unwinding, where there is nothing better to do.
  void reset() noexcept {
    if (valid()) Close(std::exchange(id_, H5I_INVALID_HID));
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Handle<H5Fclose>;
using GroupHandle = Handle<H5Gclose>;
using DatasetHandle = Handle<H5Dclose>;
using DataspaceHandle = Handle<H5Sclose>;
using DatatypeHandle = Handle<H5Tclose>;
using AttributeHandle = Handle<H5Aclose>;
using PropertyListHandle = Handle<H5Pclose>;
using ObjectHandle = Handle<H5Oclose>;

}  // namespace eddyop::h5
