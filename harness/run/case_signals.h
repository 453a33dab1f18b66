// What a running case can tell the case process beyond GoogleTest's pass/fail/skip,
// and what the orchestrator can tell a running case. Only meaningful inside a case
// process (harness/run/case_child.cc).
#pragma once

namespace ra2cert {

// The next skip means "requirement not applicable here", not "could not verify".
void MarkSkipNotApplicable();
// The next failure is the harness's or the infrastructure's, not the cluster's. It marks
// that one failure only: a failure about the cluster before or after it stays a failure.
void MarkInfrastructureError();
// True once the orchestrator asked this case to stop (SIGTERM on interrupt): long waits
// should check it and give up so that the case's clean-up still runs.
bool InterruptRequested();

namespace case_signals_internal {
bool SkipIsNotApplicable();
// True when the failure being reported was marked; clears the mark for the next one.
bool TakeInfrastructureMark();
void InstallInterruptHandler();
}  // namespace case_signals_internal

}  // namespace ra2cert
