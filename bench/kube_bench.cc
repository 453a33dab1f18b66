// kube_bench: how fast ra2cert's Kubernetes client (harness/kube) does what the cases do,
// next to kubectl (built from the same pinned Kubernetes module) on the same API server,
// in the same invocation. Rows, each timed N times after warm-up:
//
//   GET /version                      Client::Get            kubectl get --raw /version
//   LIST configmaps (M objects)       Client::List           kubectl get configmaps -o json
//   server-side apply (K documents)   Client::Apply          kubectl apply --server-side -f
//
// each as "ra2cert in-process" (one client, pooled HTTP/2 connection: how cases use it),
// "ra2cert process/call" (this binary re-run per call: start, read the kubeconfig, TLS
// handshake, one request, exit) and "kubectl process/call"; plus "spawn only" (/bin/true).
// kubectl has no mode that makes many calls in one process, so process/call against
// process/call is the like-for-like ratio. Not a test: run it by hand against a cluster
// (default: the local one, `ra2cert cluster up`). It makes and removes one namespace.
//
//   kube_bench [--kubeconfig F] [--calls N] [--objects M] [--kubectl PATH]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "bench/bench_timing.h"
#include "harness/kube/client.h"

namespace {

namespace fs = std::filesystem;
namespace bench = ra2cert::bench;
using ra2cert::Status;

constexpr auto kCallTimeout = std::chrono::seconds(30);
constexpr int kApplyDocuments = 20;
const ra2cert::kube::ConnectionOptions kUnlimited{.qps = 1e9, .burst = 1000000000};

// K ConfigMaps in one multi-document manifest. Applying it again changes nothing, but the
// server still runs every server-side apply PATCH in full.
std::string Manifest(const std::string& ns, int documents, const std::string& prefix) {
  std::string yaml;
  for (int i = 0; i < documents; ++i) {
    yaml += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + prefix +
            std::to_string(i) + "\n  namespace: " + ns + "\ndata:\n  index: \"" +
            std::to_string(i) + "\"\n";
  }
  return yaml;
}

Status FromResult(const auto& result) { return result ? ra2cert::Ok() : Status(result.error()); }

// The child side of "ra2cert process/call".
int ChildCall(const std::string& kubeconfig, const std::string& call, const std::string& ns,
              const std::string& file) {
  auto client = ra2cert::kube::Client::FromKubeconfig(kubeconfig, "", kUnlimited);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message().c_str());
    return 1;
  }
  Status done = ra2cert::Ok();
  if (call == "version") {
    done = FromResult(client->Get("/version"));
  } else if (call == "list") {
    done = FromResult(client->List("/api/v1/namespaces/" + ns + "/configmaps"));
  } else {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    done = FromResult(client->Apply(text, ns));
  }
  if (!done) std::fprintf(stderr, "%s\n", done.error().message().c_str());
  return done ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kube_bench: ra2cert's Kubernetes client against kubectl on one API server"};
  std::string kubeconfig = "/var/lib/ra2cert/local/kubeconfig/admin.kubeconfig";
  std::string kubectl, child_call, child_ns, child_file;
  int calls = 50, objects = 300;
  app.add_option("--kubeconfig", kubeconfig, "the cluster to measure against")
      ->capture_default_str();
  app.add_option("--calls", calls, "timed calls per row (after 5 warm-up calls)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--objects", objects, "ConfigMaps in the listed namespace")
      ->check(CLI::Range(1, 5000));
  app.add_option("--kubectl", kubectl,
                 "the kubectl binary (default: the cached one of the server's version)");
  app.add_option("--child-call", child_call, "internal: one call (version|list|apply), then exit")
      ->check(CLI::IsMember({"version", "list", "apply"}));
  app.add_option("--child-namespace", child_ns, "internal");
  app.add_option("--child-file", child_file, "internal");
  CLI11_PARSE(app, argc, argv);
  if (!child_call.empty()) return ChildCall(kubeconfig, child_call, child_ns, child_file);

  // Without the client-side rate limit (50 qps after a burst of 300, as kubectl): the
  // setup alone would empty the bucket, and the rows would then time the limit, not the client.
  auto client = ra2cert::kube::Client::FromKubeconfig(kubeconfig, "", kUnlimited);
  if (!client) {
    std::fprintf(stderr, "kube_bench: --kubeconfig: %s\n", client.error().message().c_str());
    return 2;
  }
  auto version = client->Get("/version");
  if (!version) {
    std::fprintf(stderr, "kube_bench: %s\n", version.error().message().c_str());
    return 3;
  }
  // The kubectl of the server's own version when the cache has it.
  if (kubectl.empty()) {
    kubectl = bench::CachedPeer("kubernetes", "kubectl", version->value("gitVersion", ""));
  }
  auto kubectl_version = ra2cert::RunTool(
      {.program = kubectl, .args = {"version", "--client"}, .timeout = kCallTimeout});
  if (!kubectl_version || kubectl_version->exit_code != 0) {
    std::fprintf(stderr,
                 "kube_bench: cannot run kubectl '%s' (build it: "
                 "environments/local/components/build-kubernetes.sh, or pass --kubectl)\n",
                 kubectl.c_str());
    return 3;
  }

  // A namespace of our own holding M ConfigMaps to list.
  const std::string ns = "ra2cert-bench-" + std::to_string(::getpid());
  const fs::path work = fs::temp_directory_path() / ns;
  fs::create_directories(work);
  const std::string apply_file = (work / "apply.yaml").string();
  const std::string apply_text = Manifest(ns, kApplyDocuments, "applied-");
  std::ofstream(apply_file) << apply_text;
  auto cleanup = [&] {
    (void)client->Delete("/api/v1/namespaces/" + ns);
    std::error_code ec;
    fs::remove_all(work, ec);
  };
  auto setup = client->Apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n" +
                             Manifest(ns, objects, "listed-"));
  if (!setup) {
    std::fprintf(stderr, "kube_bench: setting up %s: %s\n", ns.c_str(),
                 setup.error().message().c_str());
    cleanup();
    return 3;
  }

  const std::string self = fs::canonical("/proc/self/exe").string();
  auto child = [&](const std::string& call) {
    return bench::Spawn(self,
                        {"--kubeconfig", kubeconfig, "--child-call", call, "--child-namespace", ns,
                         "--child-file", apply_file},
                        kCallTimeout);
  };
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", kubeconfig});
    return bench::Spawn(kubectl, args, kCallTimeout);
  };
  const std::string list_name = "LIST " + std::to_string(objects) + " cms";
  const std::string apply_name = "apply " + std::to_string(kApplyDocuments) + " docs";

  std::printf("kube_bench: %s, Kubernetes %s; peer: %s (%s)\n", client->access().server.c_str(),
              version->value("gitVersion", "?").c_str(), kubectl.c_str(),
              kubectl_version->out.substr(0, kubectl_version->out.find('\n')).c_str());
  std::printf("kube_bench: %d timed calls per row after %d warm-up calls, namespace %s\n\n", calls,
              bench::kWarmUp, ns.c_str());

  using Job = std::function<Status()>;
  const std::vector<std::tuple<std::string, std::string, Job>> jobs = {
      {"GET /version", "ra2cert in-process", [&] { return FromResult(client->Get("/version")); }},
      {"GET /version", "ra2cert process/call", [&] { return child("version"); }},
      {"GET /version", "kubectl process/call",
       [&] {
         return ctl({"get", "--raw", "/version"});
       }},
      {list_name, "ra2cert in-process",
       [&] { return FromResult(client->List("/api/v1/namespaces/" + ns + "/configmaps")); }},
      {list_name, "ra2cert process/call", [&] { return child("list"); }},
      {list_name, "kubectl process/call",
       [&] {
         return ctl({"get", "configmaps", "-n", ns, "-o", "json"});
       }},
      {apply_name, "ra2cert in-process", [&] { return FromResult(client->Apply(apply_text, ns)); }},
      {apply_name, "ra2cert process/call", [&] { return child("apply"); }},
      {apply_name, "kubectl process/call",
       [&] {
         return ctl({"apply", "--server-side", "--field-manager", "ra2cert", "-f", apply_file});
       }},
      {"(none)", "spawn only (/bin/true)", [&] { return bench::Spawn("/bin/true", {}); }},
  };
  std::vector<bench::Row> rows;
  std::printf("%-18s %-24s %10s %10s %10s\n", "call", "client", "mean ms", "p50 ms", "p95 ms");
  for (const auto& [call, who, job] : jobs) {
    auto row = bench::Measure(call, who, calls, job);
    if (!row) {
      std::fprintf(stderr, "kube_bench: %s\n", row.error().message().c_str());
      cleanup();
      return 3;
    }
    std::printf("%-18s %-24s %10.3f %10.3f %10.3f\n", row->call.c_str(), row->client.c_str(),
                row->Mean(), row->Percentile(0.50), row->Percentile(0.95));
    std::fflush(stdout);
    rows.push_back(std::move(*row));
  }
  cleanup();
  auto mean = [&](const std::string& call, const std::string& who) {
    for (const auto& row : rows) {
      if (row.call == call && row.client == who) return row.Mean();
    }
    return std::nan("");
  };
  std::printf("\nratio ra2cert / kubectl (mean per call; below 1 means ra2cert is faster):\n");
  for (const std::string& call : {std::string("GET /version"), list_name, apply_name}) {
    const double peer = mean(call, "kubectl process/call");
    std::printf("  %-18s in-process %.4f   process/call %.3f\n", call.c_str(),
                mean(call, "ra2cert in-process") / peer, mean(call, "ra2cert process/call") / peer);
  }
  std::printf(
      "\nnotes: 'process/call' vs 'process/call' is like for like (both start, load the "
      "kubeconfig, dial TLS,\nmake the request(s), exit); kubectl also reads discovery (cached "
      "in ~/.kube/cache) and applies its own\nclient-side rate limit. 'in-process' is how "
      "ra2cert's cases talk to the API (one pooled HTTP/2\nconnection); these rows run without "
      "ra2cert's client-side rate limit, which cases keep (50 qps after\na burst of 300).\n");
  return 0;
}
