// Shapes of fields on disk, their printing and their comparison against an expected shape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace eddyop::h5 {

// Extents, leading (sample/time) axis first. In an expected shape, kAnyExtent marks a free axis.
using Shape = std::vector<std::int64_t>;
inline constexpr std::int64_t kAnyExtent = -1;

// "(4, 32, 33)", with "*" for a free axis: the notation of the error messages.
std::string format_shape(const Shape& shape);

// True when `actual` has the rank of `expected` and agrees with it on every axis that is not free.
bool shape_matches(const Shape& actual, const Shape& expected);

// Number of elements; 1 for rank 0.
std::int64_t element_count(const Shape& shape);

}  // namespace eddyop::h5
