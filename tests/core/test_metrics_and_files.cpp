#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/metrics.hpp"

namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("eddyop-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir / name;
}
}  // namespace

TEST(Metrics, EachRecordIsOneJsonLineReadableAtOnce) {
  const auto path = scratch("metrics.jsonl");
  fs::remove(path);
  {
    eddyop::MetricsWriter w(path, false);
    w.write({{"epoch", 1}, {"loss", 0.5}});
    // Flushed per record: a reader sees it before the writer closes.
    EXPECT_EQ(eddyop::read_metrics(path).size(), 1u);
    w.write({{"epoch", 2}, {"loss", 0.25}, {"phase", "valid"}});
  }
  const auto records = eddyop::read_metrics(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["epoch"], 2);
  EXPECT_DOUBLE_EQ(records[1]["loss"].get<double>(), 0.25);
  EXPECT_EQ(records[1]["phase"], "valid");
}

TEST(Metrics, AppendContinuesAResumedRun) {
  const auto path = scratch("resume.jsonl");
  fs::remove(path);
  { eddyop::MetricsWriter(path, false).write({{"step", 1}}); }
  { eddyop::MetricsWriter(path, true).write({{"step", 2}}); }
  EXPECT_EQ(eddyop::read_metrics(path).size(), 2u);
}

TEST(Metrics, DisabledWriterCreatesNothing) {
  const auto path = scratch("never.jsonl");
  fs::remove(path);
  { eddyop::MetricsWriter(path, false, false).write({{"step", 1}}); }
  EXPECT_FALSE(fs::exists(path));
}

TEST(Metrics, MalformedLineIsNamed) {
  const auto path = scratch("bad.jsonl");
  std::ofstream(path) << "{\"a\": 1}\n{oops\n";
  try {
    eddyop::read_metrics(path);
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2 is not valid JSON"), std::string::npos);
  }
}

TEST(Files, AtomicWriteReplacesWholeFileAndLeavesNoTemporary) {
  const auto path = scratch("sub/dir/config.yaml");
  eddyop::write_file_atomic(path, "first\n");
  eddyop::write_file_atomic(path, "second\n");
  EXPECT_EQ(eddyop::read_file(path), "second\n");
  for (const auto& e : fs::directory_iterator(path.parent_path()))
    EXPECT_EQ(e.path().filename(), "config.yaml");
}

TEST(Files, FailedWriteKeepsTheOldFile) {
  const auto path = scratch("keep.txt");
  eddyop::write_file_atomic(path, "good\n");
  // A directory where the temporary should go makes the write fail before the rename.
  fs::create_directories(eddyop::temporary_path_for(path));
  EXPECT_THROW(eddyop::write_file_atomic(path, "bad\n"), eddyop::Error);
  EXPECT_EQ(eddyop::read_file(path), "good\n");
  fs::remove_all(eddyop::temporary_path_for(path));
}

TEST(Files, MissingFileIsNamed) {
  try {
    eddyop::read_file("/nonexistent/eddyop.txt");
    FAIL() << "no error";
  } catch (const eddyop::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/eddyop.txt"), std::string::npos);
  }
}
