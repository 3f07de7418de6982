// metrics.jsonl: one JSON object per line, appended and flushed as each record is written, so
// that a run that stops loses at most the record it was writing. Shared by solvers and trainers.
#pragma once

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

namespace eddyop {

class MetricsWriter {
 public:
  // Opens `path` for appending (a resumed run continues the same file), or truncates it when
  // `append` is false. With `enabled` false (ranks other than 0) every call does nothing.
  explicit MetricsWriter(const std::filesystem::path& path, bool append = true,
                         bool enabled = true);
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;
  ~MetricsWriter();

  void write(const nlohmann::json& record);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// Reads every record of a metrics.jsonl file; a malformed line is an error naming its number.
std::vector<nlohmann::json> read_metrics(const std::filesystem::path& path);

}  // namespace eddyop
