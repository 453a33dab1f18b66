// What the resource metrics API (metrics.k8s.io/v1beta1) says about usage, read from its
// APIService and its NodeMetrics and PodMetrics objects: Kubernetes quantities ("1234567n", "12m",
// "2", "5120Ki") turned into cores and bytes, so that a case can compare them with thresholds.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "harness/kube/client.h"

namespace ra2cert::suites {

// A Kubernetes quantity in its base unit (cores for CPU, bytes for memory): decimal SI
// suffixes n u m k M G T P E and binary Ki Mi Gi Ti Pi Ei, or none. nullopt when `text` is not
// a quantity (empty, negative, an unknown suffix, an exponent form the metrics API never sends).
std::optional<double> ParseQuantity(const std::string& text);

struct Usage {
  double cpu_cores = 0;
  double memory_bytes = 0;
};

// NodeMetricsList: node name -> usage. A node whose usage cannot be read is left out.
std::map<std::string, Usage> NodeUsages(const kube::json& node_metrics_list);
// PodMetrics: container name -> usage. A container whose usage cannot be read is left out.
std::map<std::string, Usage> ContainerUsages(const kube::json& pod_metrics);

// "" when an APIService's Available condition is True, else why not: "Available=False,
// MissingEndpoints: <message>", or that it has no such condition.
std::string ApiServiceUnavailability(const kube::json& api_service);

}  // namespace ra2cert::suites
