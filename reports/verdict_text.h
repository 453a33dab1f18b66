// A run's verdict for people, from the "verdict" object of its results.json: one line for
// the profile, then what keeps it from conformant. Shared by the console summary and
// `ra2cert report`; a results.json written before the blocking list existed shows the
// line alone.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace ra2cert {

// Lists at most `max_listed` blockers, then says how many more there are.
std::string RenderVerdictText(const nlohmann::json& verdict, size_t max_listed = 1000);

}  // namespace ra2cert
