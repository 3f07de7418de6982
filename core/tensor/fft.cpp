#include "core/tensor/fft.hpp"

#include <fftw3.h>

#include <map>
#include <mutex>
#include <tuple>

namespace eddyop::tensor::fft {

namespace {

// FFTW's float and double APIs behind one name each.
template <class T>
struct Fftw;
template <>
struct Fftw<float> {
  using plan = fftwf_plan;
  using complex = fftwf_complex;
  static void init_threads() { fftwf_init_threads(); }
  static void plan_with_nthreads(int n) { fftwf_plan_with_nthreads(n); }
  static void* malloc(std::size_t n) { return fftwf_malloc(n); }
  static void free(void* p) { fftwf_free(p); }
  static void destroy(plan p) { fftwf_destroy_plan(p); }
  // Signals follow each other: real ones `dr` apart, half spectra `dc` apart.
  static plan many_r2c(int rank, const int* n, int howmany, float* in, complex* out, int dr, int dc,
                       unsigned f) {
    return fftwf_plan_many_dft_r2c(rank, n, howmany, in, nullptr, 1, dr, out, nullptr, 1, dc, f);
  }
  static plan many_c2r(int rank, const int* n, int howmany, complex* in, float* out, int dr, int dc,
                       unsigned f) {
    return fftwf_plan_many_dft_c2r(rank, n, howmany, in, nullptr, 1, dc, out, nullptr, 1, dr, f);
  }
  static void exec_r2c(plan p, float* in, complex* out) { fftwf_execute_dft_r2c(p, in, out); }
  static void exec_c2r(plan p, complex* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
  using iodim = fftwf_iodim64;
  static plan guru_c2c(int rank, const iodim* dims, int vrank, const iodim* vdims, complex* data,
                       int sign, unsigned f) {
    return fftwf_plan_guru64_dft(rank, dims, vrank, vdims, data, data, sign, f);
  }
  static void exec_c2c(plan p, complex* data) { fftwf_execute_dft(p, data, data); }
};
template <>
struct Fftw<double> {
  using plan = fftw_plan;
  using complex = fftw_complex;
  static void init_threads() { fftw_init_threads(); }
  static void plan_with_nthreads(int n) { fftw_plan_with_nthreads(n); }
  static void* malloc(std::size_t n) { return fftw_malloc(n); }
  static void free(void* p) { fftw_free(p); }
  static void destroy(plan p) { fftw_destroy_plan(p); }
  static plan many_r2c(int rank, const int* n, int howmany, double* in, complex* out, int dr,
                       int dc, unsigned f) {
    return fftw_plan_many_dft_r2c(rank, n, howmany, in, nullptr, 1, dr, out, nullptr, 1, dc, f);
  }
  static plan many_c2r(int rank, const int* n, int howmany, complex* in, double* out, int dr,
                       int dc, unsigned f) {
    return fftw_plan_many_dft_c2r(rank, n, howmany, in, nullptr, 1, dc, out, nullptr, 1, dr, f);
  }
  static void exec_r2c(plan p, double* in, complex* out) { fftw_execute_dft_r2c(p, in, out); }
  static void exec_c2r(plan p, complex* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
  using iodim = fftw_iodim64;
  static plan guru_c2c(int rank, const iodim* dims, int vrank, const iodim* vdims, complex* data,
                       int sign, unsigned f) {
    return fftw_plan_guru64_dft(rank, dims, vrank, vdims, data, data, sign, f);
  }
  static void exec_c2c(plan p, complex* data) { fftw_execute_dft(p, data, data); }
};

struct Settings {
  std::mutex mutex;
  int threads = 1;
  bool measure = false;
  bool threads_ready = false;
};
Settings& settings() {
  static Settings s;
  return s;
}

// (kind, sizes, howmany, kept, threads, measure); kind: 0 r2c, 1 c2r, 2 and 3 the forward and
// backward c2c over the first axes of a half spectrum, where k_{d-1} < kept.
using Key = std::tuple<int, std::vector<int>, int, int, int, bool>;

template <class T>
class PlanCache {
 public:
  ~PlanCache() { clear(); }
  void clear() {
    for (auto& [key, plan] : plans_) Fftw<T>::destroy(plan);
    plans_.clear();
  }
  typename Fftw<T>::plan get(bool forward, const std::vector<Index>& dims, Index howmany) {
    Settings& s = settings();
    if (!s.threads_ready) {
      Fftw<float>::init_threads();
      Fftw<double>::init_threads();
      s.threads_ready = true;
    }
    std::vector<int> n(dims.begin(), dims.end());
    Key key{forward ? 0 : 1, n, static_cast<int>(howmany), 0, s.threads, s.measure};
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    // Plan on scratch arrays of FFTW's own alignment: FFTW_MEASURE overwrites them, and the
    // plan is then executed on the caller's arrays by FFTW's new-array interface.
    Index real = howmany, half = howmany;
    for (std::size_t a = 0; a < dims.size(); ++a) {
      real *= dims[a];
      half *= a + 1 == dims.size() ? dims[a] / 2 + 1 : dims[a];
    }
    T* r = static_cast<T*>(Fftw<T>::malloc(sizeof(T) * static_cast<std::size_t>(real)));
    auto* c = static_cast<typename Fftw<T>::complex*>(
        Fftw<T>::malloc(2 * sizeof(T) * static_cast<std::size_t>(half)));
    Fftw<T>::plan_with_nthreads(s.threads);
    const unsigned flags =
        (s.measure ? FFTW_MEASURE : FFTW_ESTIMATE) | (forward ? 0u : unsigned{FFTW_DESTROY_INPUT});
    const int dr = static_cast<int>(real / howmany), dc = static_cast<int>(half / howmany);
    const int rank = static_cast<int>(n.size()), many = static_cast<int>(howmany);
    auto plan = forward ? Fftw<T>::many_r2c(rank, n.data(), many, r, c, dr, dc, flags)
                        : Fftw<T>::many_c2r(rank, n.data(), many, c, r, dr, dc, flags);
    Fftw<T>::free(r);
    Fftw<T>::free(c);
    EDDYOP_CHECK(
        plan != nullptr, "fft",
        "FFTW could not plan a transform of sizes " << Shape(dims).str() << " x " << howmany);
    plans_.emplace(key, plan);
    return plan;
  }

  // In place over a half spectrum (howmany, n_0, ..., n_{d-1}/2+1): the c2c transform over the
  // first d-1 axes of the columns k_{d-1} < kept, one guru plan (rank d-1, two loop dimensions).
  typename Fftw<T>::plan get_c2c(bool forward, const std::vector<Index>& dims, Index howmany,
                                 Index kept) {
    Settings& s = settings();
    std::vector<int> n(dims.begin(), dims.end());
    Key key{forward ? 2 : 3,        n,         static_cast<int>(howmany),
            static_cast<int>(kept), s.threads, s.measure};
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    const int d = static_cast<int>(dims.size());
    const Index H = dims.back() / 2 + 1;
    std::vector<typename Fftw<T>::iodim> axes(static_cast<std::size_t>(d - 1));
    Index stride = H;
    for (int a = d - 2; a >= 0; --a) {
      axes[static_cast<std::size_t>(a)] = {dims[static_cast<std::size_t>(a)], stride, stride};
      stride *= dims[static_cast<std::size_t>(a)];
    }
    const typename Fftw<T>::iodim loops[2] = {{howmany, stride, stride}, {kept, 1, 1}};
    auto* c = static_cast<typename Fftw<T>::complex*>(
        Fftw<T>::malloc(2 * sizeof(T) * static_cast<std::size_t>(howmany * stride)));
    Fftw<T>::plan_with_nthreads(s.threads);
    auto plan =
        Fftw<T>::guru_c2c(d - 1, axes.data(), 2, loops, c, forward ? FFTW_FORWARD : FFTW_BACKWARD,
                          s.measure ? FFTW_MEASURE : FFTW_ESTIMATE);
    Fftw<T>::free(c);
    EDDYOP_CHECK(plan != nullptr, "fft",
                 "FFTW could not plan the first-axes transform of sizes "
                     << Shape(dims).str() << " x " << howmany << " (" << kept << " columns)");
    plans_.emplace(key, plan);
    return plan;
  }

 private:
  std::map<Key, typename Fftw<T>::plan> plans_;
};

template <class T>
PlanCache<T>& cache() {
  static PlanCache<T> c;
  return c;
}

template <class T>
void check_aligned(const T* p) {
  EDDYOP_CHECK(reinterpret_cast<std::uintptr_t>(p) % 16 == 0, "fft",
               "array at " << static_cast<const void*>(p) << " is not 16-byte aligned");
}

}  // namespace

void set_threads(int n) {
  EDDYOP_CHECK(n >= 1, "fft", "threads = " << n << " must be at least 1");
  std::lock_guard<std::mutex> lock(settings().mutex);
  settings().threads = n;
}
int threads() {
  return settings().threads;
}
void set_measure(bool measure) {
  std::lock_guard<std::mutex> lock(settings().mutex);
  settings().measure = measure;
}
void clear_plans() {
  std::lock_guard<std::mutex> lock(settings().mutex);
  cache<float>().clear();
  cache<double>().clear();
}

template <class T>
void r2c(T* out, const T* in, Index howmany, const std::vector<Index>& dims) {
  if (howmany == 0) return;
  check_aligned(out);
  check_aligned(in);
  typename Fftw<T>::plan plan;
  {
    std::lock_guard<std::mutex> lock(settings().mutex);
    plan = cache<T>().get(true, dims, howmany);
  }
  // r2c out of place preserves its input (FFTW's default for r2c), hence the const_cast.
  Fftw<T>::exec_r2c(plan, const_cast<T*>(in), reinterpret_cast<typename Fftw<T>::complex*>(out));
}

template <class T>
void c2r(T* out, T* in, Index howmany, const std::vector<Index>& dims) {
  if (howmany == 0) return;
  check_aligned(out);
  check_aligned(in);
  typename Fftw<T>::plan plan;
  {
    std::lock_guard<std::mutex> lock(settings().mutex);
    plan = cache<T>().get(false, dims, howmany);
  }
  Fftw<T>::exec_c2r(plan, reinterpret_cast<typename Fftw<T>::complex*>(in), out);
}

template <class T>
void hermitian_fold(T* spectrum, Index howmany, const std::vector<Index>& dims) {
  const int d = static_cast<int>(dims.size());
  const Index nl = dims[static_cast<std::size_t>(d - 1)];
  const Index hl = nl / 2 + 1;
  Index outer = 1;  // points of the other axes
  for (int a = 0; a + 1 < d; ++a) outer *= dims[static_cast<std::size_t>(a)];
  std::vector<Index> planes{0};
  if (nl % 2 == 0 && nl / 2 != 0) planes.push_back(nl / 2);
  for (Index h = 0; h < howmany; ++h) {
    T* s = spectrum + 2 * h * outer * hl;
    for (Index kl : planes) {
      for (Index p = 0; p < outer; ++p) {
        // The index of -k on the other axes.
        Index q = 0, rest = p, mult = 1;
        for (int a = d - 2; a >= 0; --a) {
          const Index n = dims[static_cast<std::size_t>(a)];
          const Index k = rest % n;
          rest /= n;
          q += ((n - k) % n) * mult;
          mult *= n;
        }
        if (q < p) continue;  // each pair once
        T* x = s + 2 * (p * hl + kl);
        T* y = s + 2 * (q * hl + kl);
        const T re = (x[0] + y[0]) / T(2), im = (x[1] - y[1]) / T(2);
        x[0] = re;
        x[1] = im;
        y[0] = re;
        y[1] = -im;
      }
    }
  }
}

namespace {

void check_kept(const std::vector<Index>& dims, Index kept) {
  EDDYOP_CHECK(!dims.empty() && kept >= 1 && kept <= dims.back() / 2 + 1, "fft",
               "kept = " << kept << " columns of a half spectrum of sizes " << Shape(dims).str());
}

}  // namespace

template <class T>
void r2c_kept(T* out, const T* in, Index howmany, const std::vector<Index>& dims, Index kept) {
  if (howmany == 0) return;
  check_kept(dims, kept);
  check_aligned(out);
  check_aligned(in);
  Index rows = howmany;  // the last axis first, every row: all of them hold kept columns
  for (std::size_t a = 0; a + 1 < dims.size(); ++a) rows *= dims[a];
  typename Fftw<T>::plan row, cols = nullptr;
  {
    std::lock_guard<std::mutex> lock(settings().mutex);
    row = cache<T>().get(true, {dims.back()}, rows);
    if (dims.size() > 1) cols = cache<T>().get_c2c(true, dims, howmany, kept);
  }
  auto* c = reinterpret_cast<typename Fftw<T>::complex*>(out);
  Fftw<T>::exec_r2c(row, const_cast<T*>(in), c);
  if (cols) Fftw<T>::exec_c2c(cols, c);
}

template <class T>
void c2r_kept(T* out, T* in, Index howmany, const std::vector<Index>& dims, Index kept) {
  if (howmany == 0) return;
  check_kept(dims, kept);
  check_aligned(out);
  check_aligned(in);
  const Index nl = dims.back(), H = nl / 2 + 1;
  Index rows = howmany;
  for (std::size_t a = 0; a + 1 < dims.size(); ++a) rows *= dims[a];
  typename Fftw<T>::plan row, cols = nullptr;
  {
    std::lock_guard<std::mutex> lock(settings().mutex);
    row = cache<T>().get(false, {nl}, rows);
    if (dims.size() > 1) cols = cache<T>().get_c2c(false, dims, howmany, kept);
  }
  if (cols) Fftw<T>::exec_c2c(cols, reinterpret_cast<typename Fftw<T>::complex*>(in));
  // Each row is now a 1-D half spectrum: zero beyond the kept columns, and real at k = 0 and
  // (n even) n/2, so that every FFTW algorithm computes Re(sum_k c_k X_k e^{ikx}) from it.
  const bool nyquist = nl % 2 == 0 && kept == H && nl > 1;
  for (Index r = 0; r < rows; ++r) {
    T* x = in + 2 * r * H;
    x[1] = T(0);
    if (nyquist) x[2 * (H - 1) + 1] = T(0);
    for (Index k = 2 * kept; k < 2 * H; ++k) x[k] = T(0);
  }
  Fftw<T>::exec_c2r(row, reinterpret_cast<typename Fftw<T>::complex*>(in), out);
}

template void r2c<float>(float*, const float*, Index, const std::vector<Index>&);
template void r2c<double>(double*, const double*, Index, const std::vector<Index>&);
template void c2r<float>(float*, float*, Index, const std::vector<Index>&);
template void c2r<double>(double*, double*, Index, const std::vector<Index>&);
template void r2c_kept<float>(float*, const float*, Index, const std::vector<Index>&, Index);
template void r2c_kept<double>(double*, const double*, Index, const std::vector<Index>&, Index);
template void c2r_kept<float>(float*, float*, Index, const std::vector<Index>&, Index);
template void c2r_kept<double>(double*, double*, Index, const std::vector<Index>&, Index);
template void hermitian_fold<float>(float*, Index, const std::vector<Index>&);
template void hermitian_fold<double>(double*, Index, const std::vector<Index>&);

}  // namespace eddyop::tensor::fft
