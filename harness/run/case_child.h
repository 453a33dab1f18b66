// The case-process side of the protocol. The orchestrator starts
//   <binary> __case --gtest-name Suite.Name --result-file FILE
// and this runs exactly that GoogleTest test, then writes FILE (JSON: outcome,
// skip_kind, message, file, line). No FILE means the process died: the orchestrator
// reports Error with the exit status.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/core/result.h"
#include "harness/results/case_result.h"

namespace ra2cert {

// Where a container's termination message goes (the node agent's result).
inline constexpr char kTerminationMessagePath[] = "/dev/termination-log";

int RunCaseChild(const std::string& gtest_name, const std::string& result_file);

// Writes a case's result (outcome, skip_kind, message, file, line) as RunCaseChild does: to
// a file atomically, or to the termination message (kTerminationMessagePath), cut to fit.
bool WriteCaseChildResult(const std::string& result_file, nlohmann::json out);

// Parent side, for a result that came another way (the node agent's termination message).
Status ApplyChildResult(const nlohmann::json& json, CaseResult& result);

// Parent side: read what the child wrote into `result` (outcome, message, file, line).
Status ReadCaseChildResult(const std::string& result_file, CaseResult& result);

}  // namespace ra2cert
