// Deliberately passing, failing, skipping, crashing, hanging, flaky and slow cases: the
// engine's end-to-end tests (engine_e2e_test.cc) run them through the real CLI and
// orchestrator. They coordinate through files in $RA2CERT_FIXTURE_STATE.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/catalogue/case.h"

namespace {
namespace fs = std::filesystem;
using std::chrono::seconds;

fs::path State(const std::string& name) {
  const char* dir = std::getenv("RA2CERT_FIXTURE_STATE");
  return fs::path(dir ? dir : "/tmp") / name;
}

void Touch(const std::string& name, const std::string& text = "") {
  std::ofstream(State(name)) << text;
}

// Waits for the orchestrator's stop request; true when it came.
bool SleepUntilInterrupted(seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (ra2cert::InterruptRequested()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

struct CleanupMarker {
  explicit CleanupMarker(std::string marker) : name(std::move(marker)) {}
  ~CleanupMarker() { Touch(name); }
  std::string name;
};
}  // namespace

RA2CERT_CASE(Fixture, Passes,
             {.id = "4.2.001",
              .title = "fixture passes",
              .requirements = {"ra2.os.001"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  EXPECT_EQ(2 + 2, 4);
}

RA2CERT_CASE(Fixture, Fails,
             {.id = "4.2.002",
              .title = "fixture fails",
              .requirements = {"ra2.os.002"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  const int answer = 41;
  EXPECT_EQ(answer, 42) << "the answer is off by one";
}

RA2CERT_CASE(Fixture, SkipsUnverifiable,
             {.id = "4.2.003",
              .title = "fixture cannot verify",
              .requirements = {"ra2.ch.006"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  GTEST_SKIP() << "metrics API absent";
}

RA2CERT_CASE(Fixture, SkipsNotApplicable,
             {.id = "4.7.001",
              .title = "fixture not applicable",
              .requirements = {"ra2.plat.015"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  RA2CERT_NOT_APPLICABLE("no service mesh is offered");
}

RA2CERT_CASE(Fixture, Crashes,
             {.id = "4.3.001",
              .title = "fixture crashes",
              .requirements = {"ra2.k8s.005"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  std::raise(SIGSEGV);
}

RA2CERT_CASE(Fixture, Hangs,
             {.id = "4.3.002",
              .title = "fixture hangs",
              .requirements = {"ra2.k8s.012"},
              .timeout = seconds(1),
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  // A grandchild that must die with the case's process group.
  const pid_t helper = ::fork();
  if (helper == 0) {
    ::execl("/bin/sleep", "sleep", "600", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  Touch("hang-grandchild.pid", std::to_string(helper));
  signal(SIGTERM, SIG_IGN);  // a hang that ignores the polite stop: only SIGKILL ends it
  for (;;) ::pause();
}

RA2CERT_CASE(Fixture, FlakyOnce,
             {.id = "4.3.003",
              .title = "fixture flaky",
              .requirements = {"ra2.k8s.013"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  const bool first_attempt = !fs::exists(State("flaky.seen"));
  Touch("flaky.seen");
  EXPECT_FALSE(first_attempt) << "fails the first time only";
}

RA2CERT_CASE(Fixture, InfrastructureError,
             {.id = "4.3.004",
              .title = "fixture infrastructure error",
              .requirements = {"ra2.k8s.019"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  RA2CERT_INFRA_ERROR("the API server stopped answering");
}

RA2CERT_CASE(Fixture, Throws,
             {.id = "4.3.005",
              .title = "fixture throws",
              .requirements = {"ra2.k8s.021"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  throw std::runtime_error("unexpected state");
}

// The cluster's failure comes first, then the harness breaks: the verdict is the
// cluster's (Failed), with the later error added to the message.
RA2CERT_CASE(Fixture, FailsThenInfrastructureError,
             {.id = "4.3.006",
              .title = "fixture cluster failure then harness error",
              .requirements = {"ra2.k8s.022"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  ADD_FAILURE() << "the pod was never scheduled";
  RA2CERT_INFRA_ERROR("the API server stopped answering");
}

// The harness breaks in a helper, then the case goes on and finds a cluster failure.
RA2CERT_CASE(Fixture, InfrastructureErrorThenFails,
             {.id = "4.3.007",
              .title = "fixture harness mark then cluster failure",
              .requirements = {"ra2.k8s.023"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  ::ra2cert::MarkInfrastructureError();
  ADD_FAILURE() << "could not read one node's log";
  EXPECT_EQ(1, 2) << "the node is not Ready";
}

RA2CERT_CASE(Fixture, NeedsCri,
             {.id = "4.4.001",
              .title = "fixture needs CRI",
              .requirements = {"ra2.crt.002"},
              .needs = {"cri"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  FAIL() << "must never run without a CRI";
}

RA2CERT_CASE(Fixture, SlowWithCleanup,
             {.id = "4.5.001",
              .title = "fixture slow with clean-up",
              .requirements = {"ra2.ntw.002"},
              .timeout = seconds(60),
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  CleanupMarker marker("slow-cleanup.done");
  Touch("slow.started");
  ASSERT_FALSE(SleepUntilInterrupted(seconds(30))) << "stopped by the orchestrator";
}

RA2CERT_CASE(Fixture, SlowSecond,
             {.id = "4.5.002",
              .title = "fixture slow second",
              .requirements = {"ra2.ntw.001"},
              .timeout = seconds(60),
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  ASSERT_FALSE(SleepUntilInterrupted(seconds(30)));
}

RA2CERT_CASE(Fixture, NoisyOutput,
             {.id = "4.5.003",
              .title = "fixture noisy output",
              .requirements = {"ra2.ntw.014"},
              .no_violation_reason = "engine fixture",
              .no_api_access = true}) {
  std::printf(
      "colour \x1B[31mred\x1B[0m, bell \x07, nul %c, bad utf8 \xFF\xFE, euro \xE2\x82\xAC\n", 0);
  for (int i = 0; i < 20000; ++i) std::printf("line %d of a very long log\n", i);
  FAIL() << "failure with \x01 control and \xC0 invalid bytes";
}

// Three cases that pass only when they run at the same time: each waits to see the
// others' marker files. With one lane they cannot, so the lanes test can fail.
#define RA2CERT_LANE_CASE(name, number)                                                  \
  RA2CERT_CASE(FixtureLanes, name,                                                       \
               {.id = "4.6.00" #number,                                                  \
                .title = "fixture lane " #number,                                        \
                .requirements = {"ra2.stg.001"},                                         \
                .timeout = seconds(20),                                                  \
                .no_violation_reason = "engine fixture",                                 \
                .no_api_access = true}) {                                                \
    Touch("lane" #number ".running");                                                    \
    int others = 0;                                                                      \
    for (int i = 0; i < 150 && others < 2; ++i) {                                        \
      others = 0;                                                                        \
      for (int k = 1; k <= 3; ++k) {                                                     \
        if (k != number && fs::exists(State("lane" + std::to_string(k) + ".running"))) { \
          ++others;                                                                      \
        }                                                                                \
      }                                                                                  \
      std::this_thread::sleep_for(std::chrono::milliseconds(20));                        \
    }                                                                                    \
    EXPECT_EQ(others, 2) << "the other lanes were not running at the same time";         \
  }
RA2CERT_LANE_CASE(One, 1)
RA2CERT_LANE_CASE(Two, 2)
RA2CERT_LANE_CASE(Three, 3)
