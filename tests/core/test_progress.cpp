#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/progress.hpp"

namespace {

// A clock the test moves by hand, so that the lines printed do not depend on the machine.
struct FakeClock {
  double t = 0.0;
};

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

eddyop::ProgressOptions plain(std::FILE* f, FakeClock& clock) {
  eddyop::ProgressOptions o;
  o.stream = f;
  o.bar = false;
  o.every_seconds = 10.0;
  o.clock = [&clock] { return clock.t; };
  return o;
}

}  // namespace

TEST(Progress, PlainModePrintsByTimeWithEta) {
  FakeClock clock;
  std::FILE* f = std::tmpfile();
  {
    eddyop::Progress p("channel", 100, plain(f, clock));
    clock.t = 5.0;
    p.update(10, "t=0.1");  // 5 s since start: too soon for a line
    clock.t = 10.0;
    p.update(20, "t=0.2");  // 10 s: a line, 20 of 100 in 10 s leaves 40 s
    p.finish("done");
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(out,
            "channel 20/100 (20.0%) elapsed 10.0s ETA 40.0s  t=0.2\n"
            "channel 100/100 (100.0%) elapsed 10.0s  done\n");
}

TEST(Progress, PlainModePrintsEveryNSteps) {
  FakeClock clock;
  std::FILE* f = std::tmpfile();
  auto o = plain(f, clock);
  o.every_seconds = 1e9;
  o.every_steps = 3;
  {
    eddyop::Progress p("train", 0, o);
    for (long i = 1; i <= 7; ++i) p.update(i);
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(out, "train 3 elapsed 0ms\ntrain 6 elapsed 0ms\n");
}

TEST(Progress, BarModeRedrawsOneLineAndEndsIt) {
  FakeClock clock;
  std::FILE* f = std::tmpfile();
  auto o = plain(f, clock);
  o.bar = true;
  {
    eddyop::Progress p("gen", 4, o);
    clock.t = 1.0;
    p.update(1);
    clock.t = 2.0;
    p.update(2);
    p.finish();
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("\rgen [######                  ] 1/4 (25.0%) elapsed 1.0s ETA 3.0s\x1b[K"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\rgen [########################] 4/4 (100.0%) elapsed 2.0s\x1b[K\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(Progress, DisabledOnOtherRanksPrintsNothing) {
  FakeClock clock;
  std::FILE* f = std::tmpfile();
  auto o = plain(f, clock);
  o.enabled = false;
  {
    eddyop::Progress p("x", 2, o);
    clock.t = 100.0;
    p.update(1);
    p.finish();
  }
  EXPECT_EQ(read_all(f), "");
  std::fclose(f);
}

TEST(Progress, DurationsReadNaturally) {
  EXPECT_EQ(eddyop::Progress::format_duration(0.25), "250ms");
  EXPECT_EQ(eddyop::Progress::format_duration(12.34), "12.3s");
  EXPECT_EQ(eddyop::Progress::format_duration(185.0), "3m05s");
  EXPECT_EQ(eddyop::Progress::format_duration(7620.0), "2h07m");
  EXPECT_EQ(eddyop::Progress::format_duration(-1.0), "?");
}
