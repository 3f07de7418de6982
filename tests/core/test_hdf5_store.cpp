// The HDF5 store on one rank: round trips, the messages for files and contents that are not
// what was expected, and the temporary-file discipline of the writer.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/hdf5/reader.hpp"
#include "core/hdf5/writer.hpp"
#include "core/provenance.hpp"

namespace fs = std::filesystem;
namespace h5 = eddyop::h5;

namespace {

// A fresh directory per test, removed afterwards.
class Hdf5Store : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("eddyop_hdf5_store_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  std::vector<std::string> directory_listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

// value(i) = i + 0.25 * (i % 4): distinct, and exact in float32 for the sizes used here.
template <class T>
std::vector<T> ramp(std::size_t n, T start = 0) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + static_cast<T>(i) + T(0.25) * (i % 4);
  return v;
}

// A small valid file: one float32 field u (4, 32, 33), one coordinate, one physics attribute.
void write_small_file(const std::string& path) {
  h5::Writer out(path, "dataset", MPI_COMM_SELF);
  out.write_field("u", "sample,x,y", ramp<float>(4 * 32 * 33).data(), {4, 32, 33});
  out.write_coordinate("x", ramp<double>(32));
  out.write_attribute(h5::kPhysicsGroup, "nu", 1e-3);
  out.close();
}

// The message of the eddyop::Error that `f` throws, or "" (a failed expectation) if none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const eddyop::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no eddyop::Error was thrown";
  return "";
}

// Everything written to stderr (fd 2) while `f` runs, with any exception of `f` swallowed.
template <class F>
std::string stderr_during(F&& f) {
  std::fflush(stderr);
  FILE* sink = std::tmpfile();
  const int saved = ::dup(2);
  ::dup2(::fileno(sink), 2);
  try {
    f();
  } catch (...) {
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(sink);
  std::string text;
  for (int c = std::fgetc(sink); c != EOF; c = std::fgetc(sink)) text += static_cast<char>(c);
  std::fclose(sink);
  return text;
}

}  // namespace

TEST_F(Hdf5Store, Float32AndFloat64FieldsRoundTripWithShapeDtypeAndAxes) {
  const auto u = ramp<float>(3 * 4 * 5);            // (N, X, Y)
  const auto p = ramp<double>(3 * 2 * 2 * 3, 0.1);  // (N, T, X, Y)
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_field("u", "sample,x,y", u.data(), {3, 4, 5});
    out.write_field("p", "sample,time,x,y", p.data(), {3, 2, 2, 3});
    out.close();
  }
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.fields(), (std::vector<std::string>{"p", "u"}));
  const h5::FieldInfo fu = in.field("u");
  EXPECT_EQ(fu.dtype, h5::DType::kFloat32);
  EXPECT_EQ(fu.shape, (h5::Shape{3, 4, 5}));
  EXPECT_EQ(fu.axes, "sample,x,y");
  const h5::FieldInfo fp = in.field("p");
  EXPECT_EQ(fp.dtype, h5::DType::kFloat64);
  EXPECT_EQ(fp.shape, (h5::Shape{3, 2, 2, 3}));
  EXPECT_EQ(fp.axes, "sample,time,x,y");
  std::vector<float> u_read;
  std::vector<double> p_read;
  in.read_field(u_read, "u");
  in.read_field(p_read, "p");
  EXPECT_EQ(u_read, u);
  EXPECT_EQ(p_read, p);
}

TEST_F(Hdf5Store, RootAttributesNameFormatVersionAndKind) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.read_string("/", "format"), "eddyop");
  EXPECT_EQ(in.read_int("/", "format_version"), 1);
  EXPECT_EQ(in.kind(), "dataset");
  EXPECT_NO_THROW(in.expect_kind("dataset"));
  EXPECT_EQ(error_of([&] { in.expect_kind("trajectory"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': is a dataset file but a trajectory file was expected");
}

TEST_F(Hdf5Store, CoordinatesRoundTripAsFloat64Vectors) {
  const std::vector<double> x = {0.0, 0.5, 1.0, 1.5}, y = {-1.0, -0.9238795325112867, 0.0, 1.0};
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_coordinate("x", x);
    out.write_coordinate("y", y);
    out.write_coordinate("empty", {});
    out.close();
  }
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.coordinates(), (std::vector<std::string>{"empty", "x", "y"}));
  EXPECT_EQ(in.read_coordinate("x"), x);
  EXPECT_EQ(in.read_coordinate("y"), y);
  EXPECT_TRUE(in.read_coordinate("empty").empty());
}

TEST_F(Hdf5Store, AttributesRoundTripAsDoubleIntegerAndString) {
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_attribute(h5::kPhysicsGroup, "Re_tau", 180.0);
    out.write_attribute(h5::kPhysicsGroup, "nu", 1.0 / 3.0);
    out.write_attribute(h5::kPhysicsGroup, "sampling_interval", 10);
    out.write_attribute(h5::kPhysicsGroup, "sgs_model", "dynamic smagorinsky");
    out.write_field("u", "sample", ramp<float>(2).data(), {2});
    out.write_attribute(h5::field_path("u"), "units", std::string("m/s"));
    out.write_attribute(h5::kPhysicsGroup, "nu", 2e-4);  // replaces the first value
    out.close();
  }
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.attribute_names(h5::kPhysicsGroup),
            (std::vector<std::string>{"Re_tau", "nu", "sampling_interval", "sgs_model"}));
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "Re_tau"), 180.0);
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "nu"), 2e-4);
  EXPECT_EQ(in.read_int(h5::kPhysicsGroup, "sampling_interval"), 10);
  EXPECT_EQ(in.read_double(h5::kPhysicsGroup, "sampling_interval"), 10.0);
  EXPECT_EQ(in.read_string(h5::kPhysicsGroup, "sgs_model"), "dynamic smagorinsky");
  EXPECT_EQ(in.read_attribute(h5::field_path("u"), "units"), h5::Attribute(std::string("m/s")));
}

TEST_F(Hdf5Store, ProvenanceRoundTripsWithTheResolvedConfig) {
  const std::string config = "case: channel\ngrid: {nx: 32, ny: 33, nz: 32}\nseed: 7\n";
  const auto written = eddyop::Provenance::collect(7, config, MPI_COMM_SELF);
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_provenance(written);
    out.close();
  }
  const auto read = h5::Reader(file("run.h5")).read_provenance();
  EXPECT_EQ(read.version, written.version);
  EXPECT_EQ(read.git_sha, written.git_sha);
  EXPECT_EQ(read.date_utc, written.date_utc);
  EXPECT_EQ(read.host, written.host);
  EXPECT_EQ(read.seed, 7);
  EXPECT_EQ(read.mpi_size, 1);
  EXPECT_EQ(read.config_yaml, config);
}

TEST_F(Hdf5Store, ReadSlabReturnsTheAskedSamplesOfTheLeadingAxis) {
  const auto u = ramp<float>(5 * 3 * 2);  // (5, 3, 2)
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.create_field("u", h5::DType::kFloat32, "sample,x,y", {5, 3, 2});
    out.write_slab("u", u.data() + 3 * 6, 3, 2);  // samples written out of order
    out.write_slab("u", u.data(), 0, 3);
    out.close();
  }
  h5::Reader in(file("run.h5"));
  std::vector<float> slab;
  in.read_slab(slab, "u", 1, 3);
  EXPECT_EQ(slab, std::vector<float>(u.begin() + 6, u.begin() + 4 * 6));
  in.read_slab(slab, "u", 5, 0);
  EXPECT_TRUE(slab.empty());
}

TEST_F(Hdf5Store, WriterConvertsDoublesIntoAFloat32Field) {
  const auto u = ramp<double>(4 * 3);
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.create_field("u", h5::DType::kFloat32, "sample,x", {4, 3});
    out.write_slab("u", u.data(), 0, 4);
    out.close();
  }
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.field("u").dtype, h5::DType::kFloat32);
  std::vector<float> read;
  in.read_field(read, "u");
  EXPECT_EQ(read, std::vector<float>(u.begin(), u.end()));
}

TEST_F(Hdf5Store, ReaderConvertsBetweenFloatTypesOnlyWhenAsked) {
  const auto p = ramp<double>(3 * 2);
  {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_field("p", "sample,x", p.data(), {3, 2});
    out.close();
  }
  h5::Reader in(file("run.h5"));
  std::vector<float> read;
  EXPECT_EQ(error_of([&] { in.read_field(read, "p"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': dataset /fields/p is float64 but float32 was requested (hint: read into the "
                "matching type, or pass h5::Convert::kYes to convert)");
  in.read_field(read, "p", h5::Convert::kYes);
  EXPECT_EQ(read, std::vector<float>(p.begin(), p.end()));
}

TEST_F(Hdf5Store, ShapeMismatchNamesTheActualAndTheExpectedShape) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_NO_THROW(in.expect_field("u", h5::DType::kFloat32, {4, 32, 33}));
  EXPECT_EQ(error_of([&] {
              in.expect_field("u", {4, 32, 34});
            }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': dataset /fields/u has shape (4, 32, 33) but (4, 32, 34) was expected");
}

TEST_F(Hdf5Store, WildcardAxesMatchAnyExtentAndPrintAsStars) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_NO_THROW(in.expect_field("u", {h5::kAnyExtent, 32, h5::kAnyExtent}));
  EXPECT_EQ(error_of([&] {
              in.expect_field("u", {h5::kAnyExtent, 31, 33});
            }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': dataset /fields/u has shape (4, 32, 33) but (*, 31, 33) was expected");
}

TEST_F(Hdf5Store, RankMismatchNamesBothNumbersOfAxes) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(error_of([&] {
              in.expect_field("u", {-1, 3, 32, 33});
            }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': dataset /fields/u has shape (4, 32, 33) of 3 axes but (*, 3, 32, 33) of 4 "
                "axes was expected");
}

TEST_F(Hdf5Store, DtypeMismatchNamesBothTypes) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(error_of([&] {
              in.expect_field("u", h5::DType::kFloat64, {4, 32, 33});
            }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': dataset /fields/u is float32 but float64 was expected");
}

TEST_F(Hdf5Store, MissingFieldListsTheDatasetsPresent) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_FALSE(in.has_field("v"));
  EXPECT_EQ(error_of([&] { in.field("v"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': no dataset /fields/v; the datasets present are: /fields/u, /grid/x");
}

TEST_F(Hdf5Store, MissingAttributeNamesTheGroupAndListsTheAttributesPresent) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(error_of([&] { in.read_double(h5::kPhysicsGroup, "Re_tau"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': /physics has no attribute 'Re_tau'; its attributes are: nu");
  EXPECT_EQ(error_of([&] { in.read_string(h5::kProvenanceGroup, "config"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': /provenance has no attribute 'config'; it has no attributes");
}

TEST_F(Hdf5Store, AttributeOfTheWrongKindSaysWhatItIs) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(error_of([&] { in.read_string(h5::kPhysicsGroup, "nu"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': attribute 'nu' of /physics is a float but a string was expected");
  EXPECT_EQ(error_of([&] { in.read_int(h5::kPhysicsGroup, "nu"); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': attribute 'nu' of /physics is a float but an integer was expected");
}

TEST_F(Hdf5Store, SlabOutsideTheFieldNamesTheSamplesAndTheExtent) {
  write_small_file(file("run.h5"));
  h5::Reader in(file("run.h5"));
  std::vector<float> out;
  EXPECT_EQ(error_of([&] { in.read_slab(out, "u", 3, 2); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': samples [3, 5) of dataset /fields/u were asked for, but it has 4 along its "
                "leading axis");
}

TEST_F(Hdf5Store, TruncatedFileIsReportedInOneLineAsIncomplete) {
  write_small_file(file("run.h5"));
  const auto size = fs::file_size(file("run.h5"));
  ASSERT_EQ(::truncate(file("run.h5").c_str(), static_cast<off_t>(size / 2)), 0);
  std::string message;
  const std::string printed =
      stderr_during([&] { message = error_of([&] { h5::Reader in(file("run.h5")); }); });
  EXPECT_EQ(message.rfind("eddyop::hdf5: '" + file("run.h5") +
                              "': is not a complete HDF5 file; it is shorter than its header says",
                          0),
            0u)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(printed, "") << "HDF5 printed its error stack";
}

TEST_F(Hdf5Store, MissingFileIsReportedInOneLine) {
  std::string message;
  const std::string printed =
      stderr_during([&] { message = error_of([&] { h5::Reader in(file("absent.h5")); }); });
  EXPECT_EQ(message, "eddyop::hdf5: '" + file("absent.h5") + "': no such file");
  EXPECT_EQ(printed, "");
}

TEST_F(Hdf5Store, FileThatIsNotHdf5IsReportedInOneLine) {
  std::ofstream(file("notes.h5")) << "case: channel\nthis is YAML, not HDF5\n";
  std::string message;
  const std::string printed =
      stderr_during([&] { message = error_of([&] { h5::Reader in(file("notes.h5")); }); });
  EXPECT_EQ(message, "eddyop::hdf5: '" + file("notes.h5") +
                         "': is not an HDF5 file (it has no HDF5 signature)");
  EXPECT_EQ(printed, "");
}

TEST_F(Hdf5Store, Hdf5FileWithoutTheEddyopFormatAttributeIsRejected) {
  const hid_t f = H5Fcreate(file("other.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  EXPECT_EQ(error_of([&] { h5::Reader in(file("other.h5")); }),
            "eddyop::hdf5: '" + file("other.h5") +
                "': is an HDF5 file but not an eddyop file: its root attribute 'format' is "
                "missing (hint: docs/data-format.md describes the layout eddyop reads)");
}

TEST_F(Hdf5Store, FileAppearsAtItsPathOnlyWhenClosed) {
  h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
  EXPECT_EQ(out.temporary_path(), file("run.h5") + ".tmp." + std::to_string(::getpid()));
  EXPECT_TRUE(fs::exists(out.temporary_path()));
  EXPECT_FALSE(fs::exists(file("run.h5")));
  out.write_field("u", "sample", ramp<float>(3).data(), {3});
  out.close();
  EXPECT_EQ(directory_listing(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(error_of([&] { out.write_coordinate("x", {1.0}); }),
            "eddyop::hdf5: '" + file("run.h5") +
                "': write_coordinate called after close(); the file is complete");
}

TEST_F(Hdf5Store, WriterDestroyedWithoutCloseLeavesNoTemporaryAndKeepsTheExistingFile) {
  write_small_file(file("run.h5"));
  const auto size_before = fs::file_size(file("run.h5"));
  try {
    h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
    out.write_field("v", "sample", ramp<float>(7).data(), {7});
    throw std::runtime_error("the solver diverged");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(directory_listing(), std::vector<std::string>{"run.h5"});
  EXPECT_EQ(fs::file_size(file("run.h5")), size_before);
  h5::Reader in(file("run.h5"));
  EXPECT_EQ(in.fields(), std::vector<std::string>{"u"});
}

TEST_F(Hdf5Store, WriterInAMissingDirectorySaysSo) {
  const std::string path = file("no/such/run.h5");
  EXPECT_EQ(error_of([&] { h5::Writer out(path, "dataset", MPI_COMM_SELF); }),
            "eddyop::hdf5: '" + path + "': cannot be written: directory '" + file("no/such") +
                "' does not exist");
}

TEST_F(Hdf5Store, WriterThatCannotCreateItsTemporaryFileNamesItInOneLine) {
  fs::create_directories(file("run.h5.tmp." + std::to_string(::getpid())));  // in the way
  const std::string message =
      error_of([&] { h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF); });
  EXPECT_EQ(message.rfind("eddyop::hdf5: '" + file("run.h5") +
                              "': cannot create the temporary file '" + file("run.h5") + ".tmp.",
                          0),
            0u)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(Hdf5Store, WriterRejectsBadFieldsBeforeWriting) {
  h5::Writer out(file("run.h5"), "dataset", MPI_COMM_SELF);
  const std::string at = "eddyop::hdf5: '" + file("run.h5") + "': ";
  EXPECT_EQ(error_of([&] {
              out.create_field("u", h5::DType::kFloat32, "sample,x", {2, 3, 4});
            }),
            at + "field 'u' has shape (2, 3, 4) of 3 axes, but axes \"sample,x\" names 2");
  EXPECT_EQ(error_of([&] { out.create_field("a/b", h5::DType::kFloat32, "sample", {2}); }),
            at + "a field cannot have a name with '/'");
  out.create_field("u", h5::DType::kFloat32, "sample,x", {2, 3});
  EXPECT_EQ(error_of([&] {
              out.create_field("u", h5::DType::kFloat32, "sample,x", {2, 3});
            }),
            at + "field 'u' is written twice");
  const auto u = ramp<float>(6);
  EXPECT_EQ(error_of([&] { out.write_slab("u", u.data(), 1, 2); }),
            at + "write_slab of samples [1, 3) of /fields/u, which has 2 along its leading axis");
  EXPECT_EQ(error_of([&] { out.write_slab("w", u.data(), 0, 1); }),
            at + "write_slab of field 'w', which create_field has not created");
}
