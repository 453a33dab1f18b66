// Runs a fuzz target over its checked-in corpus without libFuzzer, so the ordinary and the
// sanitizer builds (g++) check every regression input on each CI run; the libFuzzer
// builds (clang, tests/fuzz/run-fuzzers.sh) explore beyond it for a bounded time.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/core/bounded_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (fs::is_directory(argv[i])) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i]))
        if (entry.is_regular_file()) inputs.push_back(entry.path().string());
    } else {
      inputs.emplace_back(argv[i]);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs in the given corpus paths\n");
    return 2;
  }
  for (const auto& path : inputs) {
    auto data = ra2cert::ReadBoundedFile(path, 8u << 20, "corpus input");
    if (!data) {
      std::fprintf(stderr, "replay: %s\n", data.error().message().c_str());
      return 2;
    }
    std::fprintf(stderr, "replay: %s\n", path.c_str());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data->data()), data->size());
  }
  std::printf("replayed %zu inputs without a finding\n", inputs.size());
  return 0;
}
