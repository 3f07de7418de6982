#include "core/hdf5/slab.hpp"

#include <algorithm>

#include "core/hdf5/error_stack.hpp"

namespace eddyop::h5 {

DataspaceHandle select_samples(hid_t file_space, const std::vector<hsize_t>& dims,
                               std::int64_t offset, std::int64_t count, const std::string& path,
                               const std::string& dataset_path) {
  std::vector<hsize_t> start(dims.size(), 0), block(dims);
  start[0] = static_cast<hsize_t>(offset);
  block[0] = static_cast<hsize_t>(count);
  std::vector<hsize_t> memory_dims(block);
  memory_dims[0] = std::max<hsize_t>(block[0], 1);
  DataspaceHandle memory_space(
      check_id(H5Screate_simple(static_cast<int>(memory_dims.size()), memory_dims.data(), nullptr),
               path, "cannot make a memory dataspace"));
  if (count == 0) {
    check_status(H5Sselect_none(file_space), path, "cannot select in " + dataset_path);
    check_status(H5Sselect_none(memory_space.get()), path, "cannot select in " + dataset_path);
  } else {
    check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr,
                                     block.data(), nullptr),
                 path, "cannot select samples in " + dataset_path);
  }
  return memory_space;
}

}  // namespace eddyop::h5
