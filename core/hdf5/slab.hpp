// The selection of a block of samples along the leading axis, shared by reading and writing.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5/handle.hpp"

namespace eddyop::h5 {

// Selects samples [offset, offset + count) of `file_space` (a dataset of extents `dims`) and
// returns the matching memory dataspace, (count, dims[1:]). A rank with no samples still joins
// a collective transfer, with an empty selection; its memory space keeps one sample so that the
// dataspace is valid. `path` and `dataset_path` name the file and dataset in messages.
DataspaceHandle select_samples(hid_t file_space, const std::vector<hsize_t>& dims,
                               std::int64_t offset, std::int64_t count, const std::string& path,
                               const std::string& dataset_path);

}  // namespace eddyop::h5
