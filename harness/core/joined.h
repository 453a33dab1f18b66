// Lists in messages and listings: "a, b, c".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ra2cert {

// The items with `separator` between each two (empty items keep their place).
std::string Joined(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace ra2cert
