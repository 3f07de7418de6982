// Which post-processing a file in our HDF5 layout gets: a wall-bounded channel (statistics in wall
// units, 1-D spectra, the MKM comparison; channel_source.hpp) or a periodic box (shell spectra,
// field statistics; box_source.hpp). Decided from the file alone, so that `eddyop evaluate` and
// `eddyop export` need no setting for it.
#pragma once

#include <string>
#include <vector>

namespace eddyop::postprocess {

enum class DatasetKind { channel, periodic_box };

const char* kind_name(DatasetKind kind);  // "channel", "periodic_box"

// A channel when the root attribute `solver` is "channel", when /physics has Re_tau, y_bottom or
// y_top (the channel solver and its rollouts write them), or when /grid/y is not uniform (a
// stretched wall-normal grid); a periodic box otherwise.
DatasetKind detect_dataset_kind(const std::string& path);

// The one kind of all `files`; an error naming the two files when they differ.
DatasetKind common_dataset_kind(const std::vector<std::string>& files, const char* component);

}  // namespace eddyop::postprocess
