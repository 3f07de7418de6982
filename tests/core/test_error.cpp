#include <gtest/gtest.h>

#include "core/error.hpp"

TEST(Error, MessageNamesComponentValueAndHint) {
  try {
    const int ny = 33;
    EDDYOP_CHECK_HINT(ny % 2 == 0, "channel", "ny = " << ny << " must be even", "use ny = 32");
    FAIL() << "EDDYOP_CHECK_HINT did not throw";
  } catch (const eddyop::Error& e) {
    EXPECT_EQ(e.component(), "channel");
    EXPECT_EQ(e.message(), "ny = 33 must be even");
    EXPECT_EQ(e.hint(), "use ny = 32");
    EXPECT_STREQ(e.what(), "eddyop::channel: ny = 33 must be even (hint: use ny = 32)");
  }
}

TEST(Error, CheckThatHoldsDoesNotThrowOrEvaluateMessage) {
  int evaluated = 0;
  auto side_effect = [&] { return ++evaluated; };
  EXPECT_NO_THROW(EDDYOP_CHECK(true, "core", "never " << side_effect()));
  EXPECT_EQ(evaluated, 0);
}

TEST(Error, MessageWithoutHintHasNoHintSuffix) {
  EXPECT_THROW(EDDYOP_FAIL("hdf5", "missing dataset 'u'"), eddyop::Error);
  try {
    EDDYOP_FAIL("hdf5", "missing dataset 'u'");
  } catch (const eddyop::Error& e) {
    EXPECT_STREQ(e.what(), "eddyop::hdf5: missing dataset 'u'");
  }
}
