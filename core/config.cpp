#include "core/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/strings.hpp"

namespace eddyop::config {

namespace {

std::string dotted_join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

std::string show(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = nearest(word, candidates);
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

bool scalar_as_integer(const YAML::Node& n, long long& out) {
  if (!n.IsScalar()) return false;
  // yaml-cpp reads "3.0" as no integer and "1e3" as no integer either, which is what we want;
  // it would read "0x10" as 16, which is harmless.
  return YAML::convert<long long>::decode(n, out);
}

bool scalar_as_real(const YAML::Node& n, double& out) {
  return n.IsScalar() && YAML::convert<double>::decode(n, out) && std::isfinite(out);
}

bool scalar_as_bool(const YAML::Node& n, bool& out) {
  return n.IsScalar() && YAML::convert<bool>::decode(n, out);
}

YAML::Node real_node(double v) {
  return YAML::Node(shortest_real(v));
}

std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

std::string shortest_real(double v) {
  char buf[32];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  // A YAML reader must still see a real: "1" would read back as an integer.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::integer:
      return "integer";
    case Kind::real:
      return "real";
    case Kind::boolean:
      return "boolean";
    case Kind::string:
      return "string";
    case Kind::integer_list:
      return "list of integers";
    case Kind::real_list:
      return "list of reals";
    case Kind::string_list:
      return "list of strings";
    case Kind::options:
      return "mapping";
    case Kind::section:
      return "section";
  }
  return "?";
}

std::string Source::where(const YAML::Mark& mark, const std::string& dotted) const {
  for (const auto& o : overridden) {
    // A value set on the command line, or one inside a section that was.
    if (dotted == o || dotted.rfind(o + ".", 0) == 0) return "--set " + o;
  }
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// ---- Key ------------------------------------------------------------------------------------

Key::Key(std::string name, Kind kind, std::string doc)
    : name_(std::move(name)), kind_(kind), doc_(std::move(doc)) {}

Key& Key::min(double lo) {
  lo_ = lo;
  lo_open_ = false;
  return *this;
}
Key& Key::max(double hi) {
  hi_ = hi;
  hi_open_ = false;
  return *this;
}
Key& Key::greater_than(double lo) {
  lo_ = lo;
  lo_open_ = true;
  return *this;
}
Key& Key::less_than(double hi) {
  hi_ = hi;
  hi_open_ = true;
  return *this;
}
Key& Key::choices(std::vector<std::string> allowed) {
  choices_ = std::move(allowed);
  return *this;
}
Key& Key::required() {
  required_ = true;
  default_ = YAML::Node();
  return *this;
}
Key& Key::default_value(YAML::Node value) {
  default_ = std::move(value);
  return *this;
}

std::string Key::range_text() const {
  std::string s;
  if (lo_ && hi_) {
    s = std::string(lo_open_ ? "(" : "[") + format_number(*lo_) + ", " + format_number(*hi_) +
        (hi_open_ ? ")" : "]");
  } else if (lo_) {
    s = std::string(lo_open_ ? "> " : ">= ") + format_number(*lo_);
  } else if (hi_) {
    s = std::string(hi_open_ ? "< " : "<= ") + format_number(*hi_);
  }
  if (!choices_.empty()) s += (s.empty() ? "" : ", ") + std::string("one of: ") + join(choices_);
  return s;
}

void Key::check_scalar(const YAML::Node& value, Kind kind, const std::string& dotted,
                       const std::string& where) const {
  double number = 0.0;
  switch (kind) {
    case Kind::integer: {
      long long i = 0;
      EDDYOP_CHECK(scalar_as_integer(value, i), "config",
                   "'" << dotted << "' (" << where << ") must be an integer, got " << show(value));
      number = static_cast<double>(i);
      break;
    }
    case Kind::real:
      EDDYOP_CHECK(
          scalar_as_real(value, number), "config",
          "'" << dotted << "' (" << where << ") must be a real number, got " << show(value));
      break;
    case Kind::boolean: {
      bool b = false;
      EDDYOP_CHECK(
          scalar_as_bool(value, b), "config",
          "'" << dotted << "' (" << where << ") must be true or false, got " << show(value));
      return;
    }
    case Kind::string:
      EDDYOP_CHECK(value.IsScalar(), "config",
                   "'" << dotted << "' (" << where << ") must be a string, got " << show(value));
      if (!choices_.empty()) {
        const bool ok =
            std::find(choices_.begin(), choices_.end(), value.Scalar()) != choices_.end();
        EDDYOP_CHECK(ok, "config",
                     "'" << dotted << "' (" << where << ") is '" << value.Scalar()
                         << "', which is not one of: " << join(choices_)
                         << did_you_mean(value.Scalar(), choices_));
      }
      return;
    default:
      return;
  }
  const bool below = lo_ && (lo_open_ ? !(number > *lo_) : !(number >= *lo_));
  const bool above = hi_ && (hi_open_ ? !(number < *hi_) : !(number <= *hi_));
  EDDYOP_CHECK(!below && !above, "config",
               "'" << dotted << "' (" << where << ") = " << value.Scalar()
                   << " is out of range: it must be " << range_text());
}

YAML::Node Key::check(const YAML::Node& value, const std::string& dotted,
                      const Source& source) const {
  const std::string where = source.where(value.Mark(), dotted);
  switch (kind_) {
    case Kind::integer:
    case Kind::real:
    case Kind::boolean:
    case Kind::string:
      check_scalar(value, kind_, dotted, where);
      return YAML::Clone(value);
    case Kind::integer_list:
    case Kind::real_list:
    case Kind::string_list: {
      EDDYOP_CHECK(value.IsSequence(), "config",
                   "'" << dotted << "' (" << where << ") must be a " << kind_name(kind_)
                       << " such as [1, 2], got " << show(value));
      const Kind element = kind_ == Kind::integer_list ? Kind::integer
                           : kind_ == Kind::real_list  ? Kind::real
                                                       : Kind::string;
      for (size_t i = 0; i < value.size(); ++i) {
        check_scalar(value[i], element, dotted + "[" + std::to_string(i) + "]",
                     source.where(value[i].Mark(), dotted));
      }
      return YAML::Clone(value);
    }
    case Kind::options: {
      YAML::Node copy(YAML::NodeType::Map);
      if (value.IsNull()) {
        copy.SetStyle(YAML::EmitterStyle::Flow);
        return copy;
      }
      EDDYOP_CHECK(value.IsMap(), "config",
                   "'" << dotted << "' (" << where << ") must be a mapping of name: value, got "
                       << show(value));
      for (const auto& kv : value) {
        EDDYOP_CHECK(kv.second.IsScalar() || kv.second.IsNull(), "config",
                     "'" << dotted << "." << kv.first.as<std::string>() << "' ("
                         << source.where(kv.second.Mark(), dotted)
                         << ") must be a single value, got " << show(kv.second));
        copy[kv.first.as<std::string>()] = YAML::Clone(kv.second);
      }
      // An empty mapping prints as {} in either case, so that a resolved case reads back as itself.
      if (copy.size() == 0) copy.SetStyle(YAML::EmitterStyle::Flow);
      return copy;
    }
    case Kind::section:
      return section_->resolve(value, dotted, source);
  }
  return YAML::Clone(value);
}

// ---- Section --------------------------------------------------------------------------------

Section::Section(std::string name, std::string doc)
    : name_(std::move(name)), doc_(std::move(doc)) {}

Key& Section::add(Key key) {
  EDDYOP_CHECK(find(key.name()) == nullptr, "config",
               "schema of '" << name_ << "' declares key '" << key.name() << "' twice");
  keys_.push_back(std::move(key));
  return keys_.back();
}

Key& Section::add_int(const std::string& name, long long value, const std::string& doc) {
  return add(Key(name, Kind::integer, doc)).default_value(YAML::Node(value));
}
Key& Section::add_real(const std::string& name, double value, const std::string& doc) {
  return add(Key(name, Kind::real, doc)).default_value(real_node(value));
}
Key& Section::add_bool(const std::string& name, bool value, const std::string& doc) {
  return add(Key(name, Kind::boolean, doc)).default_value(YAML::Node(value));
}
Key& Section::add_string(const std::string& name, const std::string& value,
                         const std::string& doc) {
  return add(Key(name, Kind::string, doc)).default_value(YAML::Node(value));
}
Key& Section::add_int_list(const std::string& name, std::vector<long long> value,
                           const std::string& doc) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (auto v : value) n.push_back(v);
  n.SetStyle(YAML::EmitterStyle::Flow);
  return add(Key(name, Kind::integer_list, doc)).default_value(n);
}
Key& Section::add_real_list(const std::string& name, std::vector<double> value,
                            const std::string& doc) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (auto v : value) n.push_back(real_node(v));
  n.SetStyle(YAML::EmitterStyle::Flow);
  return add(Key(name, Kind::real_list, doc)).default_value(n);
}
Key& Section::add_string_list(const std::string& name, std::vector<std::string> value,
                              const std::string& doc) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (auto& v : value) n.push_back(v);
  n.SetStyle(YAML::EmitterStyle::Flow);
  return add(Key(name, Kind::string_list, doc)).default_value(n);
}
Key& Section::add_options(const std::string& name, const std::string& doc) {
  YAML::Node empty(YAML::NodeType::Map);
  empty.SetStyle(YAML::EmitterStyle::Flow);
  return add(Key(name, Kind::options, doc)).default_value(empty);
}
Key& Section::add_section(Section section) {
  Key key(section.name(), Kind::section, section.doc());
  key.section_ = std::make_shared<Section>(std::move(section));
  return add(std::move(key));
}

const Key* Section::find(const std::string& name) const {
  for (const auto& k : keys_)
    if (k.name() == name) return &k;
  return nullptr;
}

std::vector<std::string> Section::key_names() const {
  std::vector<std::string> names;
  for (const auto& k : keys_) names.push_back(k.name());
  return names;
}

YAML::Node Section::resolve(const YAML::Node& node, const std::string& path,
                            const Source& source) const {
  const std::string what = path.empty() ? "the case file" : "section '" + path + "'";
  EDDYOP_CHECK(!node.IsDefined() || node.IsNull() || node.IsMap(), "config",
               what << " (" << source.where(node.Mark(), path)
                    << ") must be a mapping of keys, got " << show(node));
  YAML::Node out(YAML::NodeType::Map);
  if (node.IsDefined() && node.IsMap()) {
    for (const auto& kv : node) {
      const std::string name = kv.first.as<std::string>();
      const std::string dotted = dotted_join(path, name);
      const Key* key = find(name);
      if (key == nullptr) {
        const auto names = key_names();
        EDDYOP_FAIL("config", "unknown "
                                  << (path.empty() ? "section" : "key") << " '" << name << "' in "
                                  << what << " (" << source.where(kv.first.Mark(), dotted) << ")"
                                  << did_you_mean(name, names) << " Accepted "
                                  << (path.empty() ? "sections" : "keys") << ": " << join(names));
      }
      EDDYOP_CHECK(key->kind() == Kind::section || !kv.second.IsNull(), "config",
                   "'" << dotted << "' (" << source.where(kv.first.Mark(), dotted)
                       << ") has no value; give a " << kind_name(key->kind())
                       << " or remove the key to take the default");
    }
  }
  for (const auto& key : keys_) {
    const std::string dotted = dotted_join(path, key.name());
    const bool present = node.IsDefined() && node.IsMap() && node[key.name()].IsDefined();
    if (present) {
      const YAML::Node given = node[key.name()];
      out[key.name()] = key.check(given, dotted, source);
    } else if (key.kind() == Kind::section) {
      out[key.name()] = key.section()->resolve(YAML::Node(), dotted, source);
    } else {
      EDDYOP_CHECK(
          !key.is_required(), "config",
          "missing required key '" << dotted << "' in " << source.file << " (" << key.doc() << ")");
      out[key.name()] = YAML::Clone(key.default_node());
    }
  }
  return out;
}

std::string Section::markdown(const std::string& path) const {
  std::ostringstream md;
  const std::string title = path.empty() ? name_ : path;
  md << "### `" << title << "`\n\n" << doc_ << "\n\n";
  std::vector<const Key*> sections;
  bool any_plain = false;
  for (const auto& k : keys_)
    (k.kind() == Kind::section ? sections.push_back(&k) : void(any_plain = true));
  if (any_plain) {
    md << "| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n";
    for (const auto& k : keys_) {
      if (k.kind() == Kind::section) continue;
      std::string def;
      if (k.is_required()) {
        def = "*(required)*";
      } else if (k.kind() == Kind::options) {
        def = "{}";
      } else {
        YAML::Emitter e;
        e.SetSeqFormat(YAML::Flow);
        e << k.default_node();
        def = e.c_str();
        if (def.empty() || def == "\"\"" || def == "''") def = "\"\"";
      }
      md << "| `" << k.name() << "` | " << kind_name(k.kind()) << " | `" << def << "` | "
         << k.range_text() << " | " << k.doc() << " |\n";
    }
    md << "\n";
  }
  for (const Key* k : sections) md << k->section()->markdown(dotted_join(path, k->name()));
  return md.str();
}

// ---- Case -----------------------------------------------------------------------------------

namespace {
std::string override_path(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}
}  // namespace

Case Case::load(const std::string& file, const Section& schema,
                const std::vector<std::string>& overrides) {
  std::ifstream in(file);
  EDDYOP_CHECK_HINT(in.good(), "config", "cannot read case file '" << file << "'",
                    "check the path; the cases that come with eddyop are in cases/");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file, schema, overrides);
}

Case Case::parse(const std::string& text, const std::string& origin, const Section& schema,
                 const std::vector<std::string>& overrides) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    EDDYOP_FAIL("config", origin << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
                                 << ": YAML syntax error: " << e.msg);
  }
  if (!doc.IsDefined() || doc.IsNull()) doc = YAML::Node(YAML::NodeType::Map);
  Source source{origin, {}};
  for (const auto& o : overrides) {
    apply_override(doc, o);
    source.overridden.push_back(override_path(o));
  }
  Case c;
  c.root_ = schema.resolve(doc, "", source);
  c.origin_ = origin;
  return c;
}

bool Case::has(const std::string& dotted) const {
  YAML::Node cur = root_;
  std::stringstream ss(dotted);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (!cur.IsMap()) return false;
    const YAML::Node next = cur[part];
    if (!next.IsDefined()) return false;
    cur.reset(next);
  }
  return true;
}

YAML::Node Case::node(const std::string& dotted) const {
  EDDYOP_CHECK(has(dotted), "config",
               "the case from '" << origin_ << "' has no key '" << dotted << "'");
  YAML::Node cur = root_;
  std::stringstream ss(dotted);
  std::string part;
  while (std::getline(ss, part, '.')) cur.reset(cur[part]);
  return cur;
}

std::string Case::resolved_yaml() const {
  YAML::Emitter e;
  e << root_;
  return std::string(e.c_str()) + "\n";
}

// ---- helpers --------------------------------------------------------------------------------

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  // A typo changes a couple of letters; a third of the word is as far as a guess stays useful.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

void apply_override(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  EDDYOP_CHECK_HINT(eq != std::string::npos && eq > 0, "config",
                    "--set '" << assignment << "' is not of the form key.path=value",
                    "for example --set train.epochs=10");
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    EDDYOP_CHECK(!part.empty(), "config", "--set '" << assignment << "' has an empty key");
    parts.push_back(part);
  }
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    EDDYOP_FAIL("config", "--set '" << assignment << "': the value is not valid YAML: " << e.msg);
  }
  if (!value.IsDefined() || value.IsNull()) value = YAML::Node(text);
  YAML::Node cur = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = cur[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next.reset(cur[parts[i]]);
    }
    EDDYOP_CHECK(next.IsMap(), "config",
                 "--set '" << assignment << "': '" << parts[i] << "' holds a value, not a section");
    cur.reset(next);
  }
  cur[parts.back()] = value;
}

}  // namespace eddyop::config
