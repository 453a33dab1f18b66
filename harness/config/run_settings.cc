#include "harness/config/run_settings.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "harness/core/bounded_file.h"

namespace ra2cert {
namespace {

template <typename T>
constexpr SettingTarget Field(SettingField<T> field) {
  return field;
}

// Order is the order of `run --help`.
const RunSetting kSettings[] = {
    {"kubeconfig", "", SettingUse::kAttachedRun,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.kubeconfig; }),
     "attach to the cluster of this kubeconfig", 0, 0, true},
    {"context", "", SettingUse::kAttachedRun,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.context; }),
     "kubeconfig context to use"},
    {"cri-endpoints", "", SettingUse::kAttachedRun,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.cri_endpoints; }),
     "attached cluster: the nodes' CRI sockets this machine reaches, "
     "NODE=unix:///path[,NODE=...] (the CRI cases run through them)"},
    {"no-node-agent", "", SettingUse::kAttachedRun,
     Field<bool>([](RunSettings& s) -> bool& { return s.options.no_node_agent; }),
     "attached cluster: start no node agent (a pod per node mounting the CRI socket); the CRI "
     "cases are then Skipped and ra2.crt.002 is not verified"},
    {"cri-socket", "", SettingUse::kAttachedRun,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.cri_socket; }),
     "attached cluster: the CRI socket's path on every node, for the node agent (default: what "
     "each kubelet's configz names, else the runtime's usual path)"},
    {"dry-run", "", SettingUse::kAttachedRun,
     Field<bool>([](RunSettings& s) -> bool& { return s.options.dry_run; }),
     "print the plan and stop"},
    {"local", "", SettingUse::kLocalRun,
     Field<bool>([](RunSettings& s) -> bool& { return s.local; }),
     "spin up the local cluster, certify it, tear it down"},
    {"keep-cluster", "", SettingUse::kLocalRun,
     Field<bool>([](RunSettings& s) -> bool& { return s.keep_cluster; }),
     "with --local: leave the cluster running"},
    {"k8s-version", "", SettingUse::kLocalRun,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.local_options.kubernetes; }),
     "with --local: Kubernetes minor (1.32, 1.33 or 1.34)"},
    {"nodes", "", SettingUse::kLocalCluster,
     Field<int>([](RunSettings& s) -> int& { return s.local_options.nodes; }),
     "local cluster: number of nodes (default 2)", 1, 20},
    {"windows-nodes", "", SettingUse::kLocalCluster,
     Field<int>([](RunSettings& s) -> int& { return s.local_options.windows_nodes; }),
     "local cluster: simulated Windows workers (kwok; pods on them never run)", 0, 20},
    {"state-dir", "", SettingUse::kLocalCluster,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.local_options.state_dir; }),
     "local cluster: its state", 0, 0, true},
    {"violate", "", SettingUse::kLocalCluster,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.local_options.violate; }),
     "local cluster: seed these violations (NAME[,NAME...], see `ra2cert violations list`): a "
     "negative control, never a certification"},
    {"output-dir", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.output_dir; }),
     "where junit.xml, results.json and logs go (matrix: matrix.json, matrix.html and one "
     "directory per version)"},
    {"image-registry", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.image_registry; }),
     "registry that holds the ra2cert test images (see `ra2cert images list`)"},
    {"profile", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.selection.profile; }),
     "RA2 profile: basic or network-intensive"},
    {"scope", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.scope; }),
     "what the run certifies: distribution (default; node sizes are reported, not judged) or "
     "deployment (nodes must also meet RA2's hardware figures, ra2.ch.010-012)"},
    {"section", "sections", SettingUse::kRunAndMatrix,
     Field<std::vector<std::string>>(
         [](RunSettings& s) -> std::vector<std::string>& { return s.options.selection.sections; }),
     "only this RA2 section (repeatable), e.g. 4.4"},
    {"focus", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.selection.focus; }),
     "only cases whose 'id title' matches this regex (RE2 syntax)"},
    {"skip", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.selection.skip; }),
     "leave out cases whose 'id title' matches this regex (RE2 syntax)"},
    {"parallel", "", SettingUse::kRunAndMatrix,
     Field<int>([](RunSettings& s) -> int& { return s.options.parallel; }), "cases to run at once",
     1, 64},
    {"retries", "", SettingUse::kRunAndMatrix,
     Field<int>([](RunSettings& s) -> int& { return s.options.retries; }),
     "rerun a failing case up to N times (then flaky)", 0, 10},
    {"timeout-multiplier", "", SettingUse::kRunAndMatrix,
     Field<double>([](RunSettings& s) -> double& { return s.options.timeout_multiplier; }),
     "scale every case's timeout and the waits inside it (a pod to start, a lease to renew)", 0.1,
     100},
    {"stop-grace", "", SettingUse::kRunAndMatrix,
     Field<double>([](RunSettings& s) -> double& { return s.options.stop_grace_seconds; }),
     "seconds a stopped case may clean up before it is killed", 0, 600},
    {"junit-flavor", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.junit_flavor; }),
     "strict (Ant schema) or extended"},
    {"sign-key", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.sign_key; }),
     "sign the bundle with this PEM private key (ecdsa-p256 or ed25519, see keygen)", 0, 0, true},
    {"signer", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.signer; }),
     "sign the bundle with this command (run by /bin/sh): it reads the bytes to sign on stdin "
     "and prints the signature (base64 or raw) on stdout"},
    {"declarations", "", SettingUse::kRunAndMatrix,
     Field<std::string>([](RunSettings& s) -> std::string& { return s.options.declarations; }),
     "YAML file of vendor declarations for requirements no test can check", 0, 0, true},
};

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::span<const RunSetting> RunSettingTable() { return kSettings; }

const RunSetting* FindRunSetting(std::string_view key_or_alias) {
  for (const auto& setting : kSettings) {
    if (setting.key == key_or_alias || (!setting.alias.empty() && setting.alias == key_or_alias))
      return &setting;
  }
  return nullptr;
}

std::string RunSettingKeys() {
  std::string keys;
  for (const auto& setting : kSettings) {
    keys += (keys.empty() ? "" : ", ") + std::string(setting.key);
  }
  return keys;
}

bool IsNumber(const RunSetting& setting) {
  return std::holds_alternative<SettingField<int>>(setting.target) ||
         std::holds_alternative<SettingField<double>>(setting.target);
}

bool IsWholeNumber(const RunSetting& setting) {
  return std::holds_alternative<SettingField<int>>(setting.target);
}

std::string RangeText(const RunSetting& setting) {
  return FormatNumber(setting.min) + " to " + FormatNumber(setting.max);
}

Status CheckSettingRange(const RunSetting& setting, double value) {
  if (!std::isfinite(value) || value < setting.min || value > setting.max) {
    return Error(FormatNumber(value) + " is out of range: give " +
                     (IsWholeNumber(setting) ? "a whole number" : "a number") + " from " +
                     RangeText(setting),
                 2);
  }
  return Ok();
}

Result<double> ParseSettingNumber(const RunSetting& setting, const std::string& text) {
  const char* first = text.data();
  const char* last = first + text.size();
  double value = 0;
  std::from_chars_result parsed{};
  if (IsWholeNumber(setting)) {
    long long whole = 0;
    parsed = std::from_chars(first, last, whole);
    value = static_cast<double>(whole);
    if (parsed.ec == std::errc::result_out_of_range) {
      return Error("'" + PrintableExcerpt(text) + "' is out of range: give a whole number from " +
                       RangeText(setting),
                   2);
    }
  } else {
    parsed = std::from_chars(first, last, value, std::chars_format::general);
    if (parsed.ec == std::errc::result_out_of_range) {
      return Error("'" + PrintableExcerpt(text) + "' is out of range: give a number from " +
                       RangeText(setting),
                   2);
    }
  }
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != last) {
    return Error(std::string("expected ") +
                     (IsWholeNumber(setting) ? "a whole number" : "a decimal number") + " from " +
                     RangeText(setting),
                 2);
  }
  if (auto in_range = CheckSettingRange(setting, value); !in_range) return in_range.error();
  return value;
}

Status CheckRanges(RunSettings& settings) {
  for (const auto& setting : kSettings) {
    double value = 0;
    if (const auto* whole = std::get_if<SettingField<int>>(&setting.target)) {
      value = (*whole)(settings);
    } else if (const auto* real = std::get_if<SettingField<double>>(&setting.target)) {
      value = (*real)(settings);
    } else {
      continue;
    }
    if (auto in_range = CheckSettingRange(setting, value); !in_range)
      return in_range.error().Wrap("--" + std::string(setting.key));
  }
  return Ok();
}

}  // namespace ra2cert
