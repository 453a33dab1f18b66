#include "harness/run/case_signals.h"

#include <atomic>
#include <csignal>

namespace ra2cert {
namespace {
std::atomic<bool> skip_not_applicable{false};
std::atomic<bool> infrastructure_error{false};
volatile std::sig_atomic_t interrupt_requested = 0;

extern "C" void OnInterruptSignal(int) { interrupt_requested = 1; }
}  // namespace

void MarkSkipNotApplicable() { skip_not_applicable = true; }
void MarkInfrastructureError() { infrastructure_error = true; }
bool InterruptRequested() { return interrupt_requested != 0; }

namespace case_signals_internal {
bool SkipIsNotApplicable() { return skip_not_applicable; }
bool TakeInfrastructureMark() { return infrastructure_error.exchange(false); }
void InstallInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = OnInterruptSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}
}  // namespace case_signals_internal

}  // namespace ra2cert
