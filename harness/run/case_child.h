// The case-process side of the protocol. The orchestrator starts
//   <binary> __case --gtest-name Suite.Name --result-file FILE
// and this runs exactly that GoogleTest test, then writes FILE (JSON: outcome,
// skip_kind, message, file, line). No FILE means the process died: the orchestrator
// reports Error with the exit status.
#pragma once

#include <string>

#include "harness/core/result.h"
#include "harness/results/case_result.h"

namespace ra2cert {

int RunCaseChild(const std::string& gtest_name, const std::string& result_file);

// Parent side: read what the child wrote into `result` (outcome, message, file, line).
Status ReadCaseChildResult(const std::string& result_file, CaseResult& result);

}  // namespace ra2cert
