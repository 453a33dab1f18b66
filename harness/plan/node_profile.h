// The RA2 profile a cluster offers, read from its nodes' anuket.io/profile labels (RA2 writes
// anuket.io/profile/<name>, which is no valid label key; see 4.3.005), for a
// run that was not given --profile: a cluster with network-intensive workers is certified for
// that profile (which includes every basic requirement), any other for basic.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ra2cert {

struct NodeProfile {
  std::string profile;  // "basic" or "network-intensive"
  std::string reason;   // what on the nodes decided it, for the console and the report
};

// `nodes`: the cluster facts' node list (name, roles, simulated, profile).
NodeProfile ProfileFromNodes(const nlohmann::json& nodes);

}  // namespace ra2cert
