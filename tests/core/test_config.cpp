#include <gtest/gtest.h>

#include <string>

#include "core/config.hpp"
#include "core/error.hpp"

namespace cfg = eddyop::config;

namespace {

cfg::Section schema() {
  cfg::Section train("train", "Training of the surrogate.");
  train.add_int("epochs", 100, "Number of passes over the training set.").min(1);
  train.add_real("lr", 1e-3, "Peak learning rate.").greater_than(0.0);
  train.add_string("optimizer", "adamw", "Optimiser.").choices({"adam", "adamw", "lion"});
  train.add_int_list("modes", {12, 12}, "Kept Fourier modes per axis.").min(1);
  train.add_bool("shuffle", true, "Shuffle the samples every epoch.");
  cfg::Section root("case file", "A test schema.");
  cfg::Section c("case", "What the case is.");
  c.add_string("name", "", "Name of the case.").required();
  c.add_int("seed", 0, "Seed.").min(0);
  root.add_section(c);
  root.add_section(train);
  cfg::Section petsc("petsc", "PETSc options.");
  petsc.add_options("options", "Passed to PETSc as -name value.");
  root.add_section(petsc);
  return root;
}

std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    cfg::Case::parse(text, "x.yaml", schema(), sets);
  } catch (const eddyop::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Config, DefaultsFillEveryKeyAndGivenValuesWin) {
  const auto c = cfg::Case::parse("case: {name: demo}\ntrain:\n  epochs: 7\n", "x.yaml", schema());
  EXPECT_EQ(c.get<int>("train.epochs"), 7);
  EXPECT_DOUBLE_EQ(c.get<double>("train.lr"), 1e-3);
  EXPECT_EQ(c.get<std::string>("train.optimizer"), "adamw");
  EXPECT_EQ(c.get<std::vector<int>>("train.modes"), (std::vector<int>{12, 12}));
  EXPECT_TRUE(c.get<bool>("train.shuffle"));
  EXPECT_EQ(c.get<long>("case.seed"), 0);
  EXPECT_TRUE(c.has("petsc.options"));
  EXPECT_FALSE(c.has("train.nothing"));
}

TEST(Config, UnknownKeyNamesKeyFileLineAcceptedKeysAndNearest) {
  const std::string e = error_of("case: {name: demo}\ntrain:\n  epochs: 7\n  optimiser: adam\n");
  EXPECT_NE(e.find("unknown key 'optimiser'"), std::string::npos) << e;
  EXPECT_NE(e.find("x.yaml:4:3"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'optimizer'?"), std::string::npos) << e;
  EXPECT_NE(e.find("Accepted keys: epochs, lr, optimizer, modes, shuffle"), std::string::npos) << e;
}

TEST(Config, UnknownSectionIsReportedWithTheSections) {
  const std::string e = error_of("case: {name: demo}\ntrian:\n  epochs: 7\n");
  EXPECT_NE(e.find("unknown section 'trian'"), std::string::npos) << e;
  EXPECT_NE(e.find("x.yaml:2:1"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'train'?"), std::string::npos) << e;
  EXPECT_NE(e.find("Accepted sections: case, train, petsc"), std::string::npos) << e;
}

TEST(Config, NothingCloseMeansNoGuess) {
  const std::string e = error_of("case: {name: demo}\ntrain: {zzzzzzzz: 1}\n");
  EXPECT_EQ(e.find("did you mean"), std::string::npos) << e;
}

TEST(Config, WrongTypeNamesKeyAndValue) {
  EXPECT_NE(error_of("case: {name: d}\ntrain: {epochs: ten}\n")
                .find("'train.epochs' (x.yaml:2:17) must be an integer, got 'ten'"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: {epochs: 2.5}\n").find("must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: {lr: fast}\n").find("must be a real number"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: {shuffle: 3}\n").find("must be true or false"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: {modes: 12}\n").find("must be a list of integers"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: 5\n").find("section 'train'"), std::string::npos);
}

TEST(Config, OutOfRangeNamesKeyValueAndRange) {
  const std::string e = error_of("case: {name: d}\ntrain: {lr: -1}\n");
  EXPECT_NE(e.find("'train.lr' (x.yaml:2:13) = -1 is out of range: it must be > 0"),
            std::string::npos)
      << e;
  EXPECT_NE(error_of("case: {name: d}\ntrain: {epochs: 0}\n").find("must be >= 1"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: d}\ntrain: {modes: [4, 0]}\n").find("train.modes[1]"),
            std::string::npos);
}

TEST(Config, ChoiceOutsideTheSetSuggestsTheNearest) {
  const std::string e = error_of("case: {name: d}\ntrain: {optimizer: adamm}\n");
  EXPECT_NE(e.find("not one of: adam, adamw, lion; did you mean 'adam'?"), std::string::npos) << e;
}

TEST(Config, MissingRequiredKeyIsAnError) {
  EXPECT_NE(error_of("train: {epochs: 3}\n").find("missing required key 'case.name'"),
            std::string::npos);
}

TEST(Config, SyntaxErrorNamesFileAndLine) {
  const std::string e = error_of("case: {name: d\ntrain: [\n");
  EXPECT_NE(e.find("x.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(Config, OverridesApplyBeforeValidation) {
  const auto c = cfg::Case::parse("case: {name: demo}\n", "x.yaml", schema(),
                                  {"train.epochs=3", "train.modes=[4, 5, 6]", "case.name=other"});
  EXPECT_EQ(c.get<int>("train.epochs"), 3);
  EXPECT_EQ(c.get<std::vector<int>>("train.modes"), (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(c.get<std::string>("case.name"), "other");
}

TEST(Config, BadOverrideIsReportedAsComingFromSet) {
  const std::string e = error_of("case: {name: demo}\n", {"train.epohcs=3"});
  EXPECT_NE(e.find("unknown key 'epohcs'"), std::string::npos) << e;
  EXPECT_NE(e.find("--set train.epohcs"), std::string::npos) << e;
  EXPECT_NE(error_of("case: {name: demo}\n", {"train.epochs"}).find("key.path=value"),
            std::string::npos);
  EXPECT_NE(error_of("case: {name: demo}\n", {"train.lr=0"}).find("--set train.lr"),
            std::string::npos);
}

TEST(Config, OptionsSectionAcceptsAnyScalarKey) {
  const auto c = cfg::Case::parse(
      "case: {name: d}\npetsc:\n  options: {ksp_type: cg, ksp_rtol: 1e-8, log_view: }\n", "x.yaml",
      schema());
  EXPECT_EQ(c.get<std::string>("petsc.options.ksp_type"), "cg");
  EXPECT_NE(error_of("case: {name: d}\npetsc: {options: {ksp_type: [a]}}\n")
                .find("must be a single value"),
            std::string::npos);
}

TEST(Config, ResolvedYamlRoundTripsToTheSameCase) {
  const auto c = cfg::Case::parse("case: {name: demo}\ntrain: {lr: 0.01}\n", "x.yaml", schema());
  const auto again = cfg::Case::parse(c.resolved_yaml(), "resolved", schema());
  EXPECT_EQ(again.resolved_yaml(), c.resolved_yaml());
  EXPECT_DOUBLE_EQ(again.get<double>("train.lr"), 0.01);
}

TEST(Config, MarkdownListsEveryKey) {
  const std::string md = schema().markdown();
  for (const char* key : {"`epochs`", "`lr`", "`optimizer`", "`modes`", "`shuffle`", "`name`",
                          "`options`", "### `train`", "### `petsc`"}) {
    EXPECT_NE(md.find(key), std::string::npos) << key;
  }
  EXPECT_NE(md.find("one of: adam, adamw, lion"), std::string::npos);
}

TEST(Config, EditDistanceAndNearest) {
  EXPECT_EQ(cfg::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(cfg::edit_distance("", "abc"), 3u);
  EXPECT_EQ(cfg::nearest("epcohs", {"epochs", "lr"}), "epochs");
  EXPECT_EQ(cfg::nearest("xyz", {"epochs", "lr"}), "");
}
