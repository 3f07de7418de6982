// Aligned FFTW buffers and plans owned by RAII handles, for the spectral solvers.
#pragma once

#include <fftw3.h>

#include <cstddef>
#include <memory>

namespace eddyop::solvers::detail {

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};
template <class T>
using FftwPtr = std::unique_ptr<T[], FftwFree>;

template <class T>
FftwPtr<T> fftw_alloc(std::size_t count) {
  return FftwPtr<T>(static_cast<T*>(fftw_malloc(sizeof(T) * (count ? count : 1))));
}

struct PlanDestroy {
  void operator()(fftw_plan p) const { fftw_destroy_plan(p); }
};
using Plan = std::unique_ptr<std::remove_pointer_t<fftw_plan>, PlanDestroy>;

}  // namespace eddyop::solvers::detail
