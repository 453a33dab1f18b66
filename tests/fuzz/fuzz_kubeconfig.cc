// Fuzz target: a kubeconfig an attached run is given. Parsing and resolving every context
// must end in a value or an error a person can read; neither may crash, hang or grow
// without bound. Resolving reads the files a context names (bounded reads) but never runs
// an exec plugin, so the fuzzer cannot start programs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/kube/kubeconfig.h"
#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = ra2cert::kube::ParseKubeconfig(text, "fuzz.kubeconfig");
  if (!config) {
    ra2cert::fuzz::CheckReadableError(config.error().message());
    return 0;
  }
  auto current = ra2cert::kube::ResolveContext(*config, "");
  if (!current) ra2cert::fuzz::CheckReadableError(current.error().message());
  for (const auto& [name, context] : config->contexts) {
    auto access = ra2cert::kube::ResolveContext(*config, name);
    if (!access) ra2cert::fuzz::CheckReadableError(access.error().message());
  }
  return 0;
}
