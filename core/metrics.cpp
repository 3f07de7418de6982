#include "core/metrics.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "core/error.hpp"

namespace eddyop {

MetricsWriter::MetricsWriter(const std::filesystem::path& path, bool append, bool enabled)
    : path_(path) {
  if (!enabled) return;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  file_ = std::fopen(path.c_str(), append ? "a" : "w");
  EDDYOP_CHECK(file_ != nullptr, "metrics",
               "cannot open '" << path.string() << "' for writing: " << std::strerror(errno));
}

MetricsWriter::~MetricsWriter() {
  if (file_) std::fclose(file_);
}

void MetricsWriter::write(const nlohmann::json& record) {
  if (!file_) return;
  EDDYOP_CHECK(record.is_object(), "metrics",
               "a metrics record must be a JSON object, got " << record.type_name());
  const std::string text = record.dump() + "\n";
  const size_t n = std::fwrite(text.data(), 1, text.size(), file_);
  EDDYOP_CHECK(n == text.size() && std::fflush(file_) == 0, "metrics",
               "cannot write to '" << path_.string() << "': " << std::strerror(errno));
}

std::vector<nlohmann::json> read_metrics(const std::filesystem::path& path) {
  std::ifstream in(path);
  EDDYOP_CHECK(in.good(), "metrics", "cannot read '" << path.string() << "'");
  std::vector<nlohmann::json> records;
  std::string line;
  for (long number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      records.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::parse_error& e) {
      EDDYOP_FAIL("metrics", "'" << path.string() << "' line " << number
                                 << " is not valid JSON: " << e.what());
    }
  }
  return records;
}

}  // namespace eddyop
