// Case files: YAML documents checked against a schema before anything runs.
//
// A schema is a tree of Sections; each Section lists its keys with a kind, a default, a range or
// a set of choices, and one line of documentation (docs/case-files.md is generated from the same
// tree, so the reference can never drift from what is accepted). Loading a case:
//   1. parse the YAML (syntax errors name the file, line and column),
//   2. apply `--set a.b.c=value` overrides (the value is parsed as YAML, so lists work),
//   3. validate every key: an unknown key names the key, the file, the line, the accepted keys
//      and the nearest accepted key; a wrong type or an out-of-range value names both,
//   4. fill defaults, so that the resolved case holds every setting in effect.
#pragma once

#include <yaml-cpp/yaml.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eddyop::config {

enum class Kind {
  integer,
  real,
  boolean,
  string,
  integer_list,
  real_list,
  string_list,
  options,
  section
};

const char* kind_name(Kind kind);

class Section;

// Where a case's values came from: the file, and the dotted keys given with --set.
struct Source {
  std::string file;
  std::vector<std::string> overridden;

  // "cases/x.yaml:12:3", or "--set train.lr" for a value given on the command line.
  std::string where(const YAML::Mark& mark, const std::string& dotted) const;
};

// One key of a section. The builder methods return *this so that a schema reads as a table:
//   s.add_real("nu", 1e-3, "kinematic viscosity").greater_than(0);
class Key {
 public:
  Key(std::string name, Kind kind, std::string doc);

  Key& min(double lo);           // value >= lo
  Key& max(double hi);           // value <= hi
  Key& greater_than(double lo);  // value > lo
  Key& less_than(double hi);     // value < hi
  Key& choices(std::vector<std::string> allowed);
  Key& required();
  Key& default_value(YAML::Node value);

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::string& doc() const { return doc_; }
  bool is_required() const { return required_; }
  const YAML::Node& default_node() const { return default_; }
  const std::vector<std::string>& allowed() const { return choices_; }
  const Section* section() const { return section_.get(); }
  std::string range_text() const;  // "> 0", "in [1, 64]", "" when unbounded

 private:
  friend class Section;
  YAML::Node check(const YAML::Node& value, const std::string& dotted, const Source& source) const;
  void check_scalar(const YAML::Node& value, Kind kind, const std::string& dotted,
                    const std::string& where) const;

  std::string name_;
  Kind kind_;
  std::string doc_;
  bool required_ = false;
  YAML::Node default_;
  std::optional<double> lo_, hi_;
  bool lo_open_ = false, hi_open_ = false;
  std::vector<std::string> choices_;
  std::shared_ptr<Section> section_;
};

class Section {
 public:
  Section(std::string name, std::string doc);

  Key& add_int(const std::string& name, long long value, const std::string& doc);
  Key& add_real(const std::string& name, double value, const std::string& doc);
  Key& add_bool(const std::string& name, bool value, const std::string& doc);
  Key& add_string(const std::string& name, const std::string& value, const std::string& doc);
  Key& add_int_list(const std::string& name, std::vector<long long> value, const std::string& doc);
  Key& add_real_list(const std::string& name, std::vector<double> value, const std::string& doc);
  Key& add_string_list(const std::string& name, std::vector<std::string> value,
                       const std::string& doc);
  // A free-form map of scalars (PETSc options, for example): any key is accepted.
  Key& add_options(const std::string& name, const std::string& doc);
  // A nested section. An absent section is filled with its defaults.
  Key& add_section(Section section);

  const std::string& name() const { return name_; }
  const std::string& doc() const { return doc_; }
  const std::deque<Key>& keys() const { return keys_; }
  const Key* find(const std::string& name) const;
  std::vector<std::string> key_names() const;

  // Checks `node` (a map, or null for an absent section) and returns a new tree with defaults
  // filled in. `path` is the dotted path of this section ("" at the root); `source` says where
  // the values came from, for messages.
  YAML::Node resolve(const YAML::Node& node, const std::string& path, const Source& source) const;

  // Markdown reference of every key, nested sections as their own tables.
  std::string markdown(const std::string& path = "") const;

 private:
  Key& add(Key key);

  std::string name_;
  std::string doc_;
  std::deque<Key> keys_;  // a deque keeps references from add_* valid
};

// A validated case: the resolved YAML tree plus where it came from.
class Case {
 public:
  // Reads `file`, applies `overrides` ("a.b.c=value"), validates against `schema`.
  static Case load(const std::string& file, const Section& schema,
                   const std::vector<std::string>& overrides = {});
  // The same from text; `origin` names it in messages.
  static Case parse(const std::string& text, const std::string& origin, const Section& schema,
                    const std::vector<std::string>& overrides = {});

  const YAML::Node& root() const { return root_; }
  const std::string& origin() const { return origin_; }

  bool has(const std::string& dotted) const;
  YAML::Node node(const std::string& dotted) const;  // throws when absent

  template <class T>
  T get(const std::string& dotted) const {
    return node(dotted).as<T>();
  }

  // The resolved case as YAML text: what is printed with -v and stored with every output.
  std::string resolved_yaml() const;

 private:
  YAML::Node root_;
  std::string origin_;
};

// Edit distance (Levenshtein) and the nearest candidate within a distance a typo would make;
// empty when nothing is close.
std::size_t edit_distance(const std::string& a, const std::string& b);
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// The shortest text that reads back as the same double ("0.9", not "0.90000000000000002"),
// always read by YAML as a real ("1.0", not "1"): for defaults, the resolved case and overrides.
std::string shortest_real(double v);

// Applies one "a.b.c=value" override to `root`, creating maps on the way. Throws on bad syntax.
void apply_override(YAML::Node& root, const std::string& assignment);

}  // namespace eddyop::config
