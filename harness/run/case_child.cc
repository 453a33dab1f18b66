#include "harness/run/case_child.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/run/case_signals.h"

namespace ra2cert {
namespace {

// The outcome rule lives here: a case is Failed when any failure was about the cluster,
// even if the harness broke afterwards (the cluster's failure is the verdict; the later
// error is added to the message); it is Error only when every failure was the harness's
// or the infrastructure's (marked, or an escaped exception).
class ProblemRecorder : public testing::EmptyTestEventListener {
 public:
  struct Problem {
    std::string message, file;
    int line = 0;
  };

  void OnTestPartResult(const testing::TestPartResult& part) override {
    if (part.skipped()) {
      if (skip_message.empty()) skip_message = part.message();
      return;
    }
    if (!part.failed()) return;
    // GoogleTest reports an escaped exception as a failure without a location.
    const bool escaped_exception =
        part.file_name() == nullptr &&
        std::string(part.message()).find("exception") != std::string::npos;
    const bool infrastructure =
        case_signals_internal::TakeInfrastructureMark() || escaped_exception;
    Problem problem{part.message(), part.file_name() ? part.file_name() : "",
                    part.line_number() > 0 ? part.line_number() : 0};
    (infrastructure ? infrastructure_problems : cluster_problems).push_back(std::move(problem));
  }

  std::vector<Problem> cluster_problems, infrastructure_problems;
  std::string skip_message;
};

// FAIL() and ADD_FAILURE() spell their message "Failed\n<text>"; the text is what says
// something.
std::string Text(std::string message) {
  if (message.rfind("Failed\n", 0) == 0) message.erase(0, 7);
  return message;
}

std::string Joined(const std::vector<ProblemRecorder::Problem>& problems) {
  std::string message = Text(problems.front().message);
  if (problems.size() > 1) {
    message += "\n(and " + std::to_string(problems.size() - 1) + " more failure(s); see the log)";
  }
  return message;
}

nlohmann::json Describe(const ProblemRecorder& recorder, const testing::TestResult& result) {
  nlohmann::json out;
  if (result.Failed() &&
      (!recorder.cluster_problems.empty() || !recorder.infrastructure_problems.empty())) {
    const bool cluster = !recorder.cluster_problems.empty();
    const auto& problems = cluster ? recorder.cluster_problems : recorder.infrastructure_problems;
    std::string message = Joined(problems);
    if (cluster && !recorder.infrastructure_problems.empty()) {
      message += "\n(then the harness could not go on: " +
                 Text(recorder.infrastructure_problems.front().message) + ")";
    }
    out["outcome"] = cluster ? "Failed" : "Error";
    out["message"] = message;
    out["file"] = problems.front().file;
    out["line"] = problems.front().line;
  } else if (result.Failed()) {
    out["outcome"] = "Error";
    out["message"] = "the case failed without a recorded reason";
  } else if (result.Skipped()) {
    out["outcome"] = "Skipped";
    out["skip_kind"] =
        case_signals_internal::SkipIsNotApplicable() ? "not-applicable" : "unverifiable";
    out["message"] = recorder.skip_message;
  } else {
    out["outcome"] = "Passed";
  }
  return out;
}

bool WriteAtomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}
}  // namespace

bool WriteCaseChildResult(const std::string& result_file, nlohmann::json out) {
  // In a node agent's pod the result goes to the container's termination message, which the
  // kubelet keeps in the pod's status (at most 4096 bytes, so the message is cut), and which
  // is a file mounted over: written in place, not renamed onto.
  const bool termination_message = result_file == kTerminationMessagePath;
  if (termination_message && out.contains("message")) {
    std::string message = out["message"].get<std::string>();
    if (message.size() > 2500) out["message"] = message.substr(0, 2500) + " [cut]";
  }
  const std::string text =
      out.dump(termination_message ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!termination_message) return WriteAtomically(result_file, text);
  std::ofstream direct(result_file, std::ios::binary | std::ios::trunc);
  direct << text;
  return static_cast<bool>(direct.flush());
}

int RunCaseChild(const std::string& gtest_name, const std::string& result_file) {
  case_signals_internal::InstallInterruptHandler();
  std::string filter = "--gtest_filter=" + gtest_name;
  std::string program = "ra2cert-case";
  std::vector<char*> argv = {program.data(), filter.data(), nullptr};
  int argc = 2;
  testing::InitGoogleTest(&argc, argv.data());
  auto* recorder = new ProblemRecorder;  // owned by GoogleTest's listener list
  testing::UnitTest::GetInstance()->listeners().Append(recorder);

  const int status = RUN_ALL_TESTS();
  const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
  nlohmann::json out;
  if (unit.test_to_run_count() != 1) {
    out = {{"outcome", "Error"},
           {"message", "this binary has no case registered as '" + gtest_name + "'"}};
  } else {
    const testing::TestResult* result = nullptr;
    for (int s = 0; s < unit.total_test_suite_count() && !result; ++s) {
      const testing::TestSuite& suite = *unit.GetTestSuite(s);
      for (int t = 0; t < suite.total_test_count(); ++t) {
        if (suite.GetTestInfo(t)->should_run()) result = suite.GetTestInfo(t)->result();
      }
    }
    out = Describe(*recorder, *result);
  }
  if (!WriteCaseChildResult(result_file, std::move(out))) {
    std::fprintf(stderr, "ra2cert: cannot write the case result to %s\n", result_file.c_str());
    return 3;
  }
  return status == 0 ? 0 : 1;
}

Status ReadCaseChildResult(const std::string& result_file, CaseResult& result) {
  std::ifstream in(result_file);
  if (!in) return Error("the case process wrote no result");
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("outcome")) {
    return Error("the case process wrote an unreadable result to " + result_file);
  }
  try {
    return ApplyChildResult(json, result);
  } catch (const nlohmann::json::exception& e) {
    return Error("the case process wrote a malformed result to " + result_file + ": " + e.what());
  }
}

Status ApplyChildResult(const nlohmann::json& json, CaseResult& result) {
  const std::string outcome = json.value("outcome", "");
  if (outcome == "Passed") {
    result.outcome = Outcome::kPassed;
  } else if (outcome == "Failed") {
    result.outcome = Outcome::kFailed;
  } else if (outcome == "Skipped") {
    result.outcome = Outcome::kSkipped;
    result.skip_kind = json.value("skip_kind", "") == "not-applicable" ? SkipKind::kNotApplicable
                                                                       : SkipKind::kUnverifiable;
  } else if (outcome == "Error") {
    result.outcome = Outcome::kError;
  } else {
    return Error("the case process reported an unknown outcome '" + outcome + "'");
  }
  result.message = json.value("message", "");
  result.file = json.value("file", "");
  result.line = json.value("line", 0);
  return Ok();
}

}  // namespace ra2cert
