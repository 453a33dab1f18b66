// Reporters are listeners on the run's events. Each receives the whole run so far, so
// it can rewrite its file after every case: an interrupted or killed run still leaves
// readable results behind.
#pragma once

#include "harness/results/run_result.h"

namespace ra2cert {

class RunListener {
 public:
  virtual ~RunListener() = default;
  virtual void OnRunStart(const RunResult& /*run*/) {}
  virtual void OnCaseStart(const CaseDefinition& /*definition*/, int /*attempt*/) {}
  virtual void OnCaseFinish(const CaseResult& /*result*/, const RunResult& /*run*/) {}
  virtual void OnInterrupt(const RunResult& /*run*/) {}
  virtual void OnRunFinish(const RunResult& /*run*/) {}
};

}  // namespace ra2cert
