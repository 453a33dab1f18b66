// The certification bundle on the command line: `keygen`, `verify`, `bundle` (remake a
// run's bundle), and the end of `run`, which always writes one (signed with --sign-key or
// --signer, otherwise unsigned and said so).
#include <cstdio>
#include <filesystem>

#include "environments/environment.h"
#include "harness/catalogue/requirements.h"
#include "harness/cli/commands.h"
#include "harness/results/run_result.h"
#include "reports/bundle/bundle_verifier.h"
#include "reports/bundle/bundle_writer.h"
#include "reports/bundle/redact.h"

#ifndef RA2CERT_VERSION
#define RA2CERT_VERSION "0.0.0"
#endif

namespace ra2cert::cli {
namespace {
using nlohmann::json;

constexpr int kExitVerifyFailed = 1;

Result<std::unique_ptr<bundle::Signer>> MakeSigner(const std::string& sign_key,
                                                   const std::string& signer) {
  if (!sign_key.empty() && !signer.empty()) {
    return Error("--sign-key and --signer exclude each other: sign with a key file or a command");
  }
  if (!signer.empty()) return bundle::MakeCommandSigner(signer);
  if (sign_key.empty()) return std::unique_ptr<bundle::Signer>();
  auto key = bundle::Key::LoadPrivateFile(sign_key);
  if (!key) return key.error().Wrap("--sign-key");
  return bundle::MakeKeySigner(std::move(key).value(), sign_key);
}

// The name the bundle file carries: the local cluster by its version (a matrix writes one
// per version), else the kubeconfig context, else what the environment is.
std::string ClusterName(const ClusterHandle& cluster) {
  if (cluster.description.starts_with("local ") && !cluster.kubernetes_version.empty()) {
    return "local-" + cluster.kubernetes_version;
  }
  if (auto context = cluster.case_env.find("RA2CERT_CONTEXT");
      context != cluster.case_env.end() && !context->second.empty()) {
    return context->second;
  }
  const std::string word = cluster.description.substr(0, cluster.description.find(' '));
  return word.empty() ? "none" : word;
}

json ClusterFacts(const ClusterHandle& cluster, const RunResult& run) {
  json facts = {
      {"schema", "ra2cert.cluster-facts/v1"},
      {"cluster", ClusterName(cluster)},
      {"environment", cluster.description},
      {"kubernetes_version", cluster.kubernetes_version},
      {"capabilities",
       {{"present", cluster.capabilities.present}, {"absent", cluster.capabilities.absent}}},
      {"hostname", run.hostname},
      {"harness_version", run.harness_version}};
  for (const auto& [key, value] : cluster.facts.items()) facts[key] = value;
  return facts;
}

// Paths and choices only: never a signer command line (it may carry credentials).
json EffectiveConfig(const RunCommand& command) {
  const RunOptions& o = command.options;
  json config = {
      {"schema", "ra2cert.config/v1"},
      {"kubeconfig", o.kubeconfig},
      {"context", o.context},
      {"profile", o.selection.profile},
      {"scope", o.scope},
      {"sections", o.selection.sections},
      {"focus", o.selection.focus},
      {"skip", o.selection.skip},
      {"parallel", o.parallel},
      {"retries", o.retries},
      {"timeout_multiplier", o.timeout_multiplier},
      {"stop_grace_seconds", o.stop_grace_seconds},
      {"output_dir", o.output_dir},
      {"junit_flavor", o.junit_flavor},
      {"image_registry", o.image_registry},
      {"local", command.local},
      {"declarations", o.declarations},
      {"signed_by",
       o.sign_key.empty() ? (o.signer.empty() ? "unsigned" : "signer command") : "key file"}};
  if (command.local) {
    config["local_cluster"] = {{"nodes", command.local_options.nodes},
                               {"kubernetes", command.local_options.kubernetes},
                               {"state_dir", command.local_options.state_dir},
                               {"keep_cluster", command.keep_cluster}};
  }
  return config;
}

void PrintWritten(const std::string& path, const bundle::Bundle& built,
                  const bundle::Signer* signer) {
  if (built.is_signed) {
    std::printf("Bundle: %s (signed, %s)\n", path.c_str(), signer->Describe().c_str());
  } else {
    std::printf("Bundle: %s (unsigned: pass --sign-key FILE or --signer CMD to sign it)\n",
                path.c_str());
  }
}

}  // namespace

Result<RunBundle> PrepareRunBundle(const RunOptions& options) {
  RunBundle prepared;
  auto signer = MakeSigner(options.sign_key, options.signer);
  if (!signer) return signer.error();
  prepared.signer = std::move(signer).value();
  if (!options.declarations.empty()) {
    auto declarations = bundle::LoadDeclarations(options.declarations, BuiltinRequirements());
    if (!declarations) return declarations.error();
    prepared.declarations = std::move(declarations).value();
  }
  return prepared;
}

void AddKubeconfigSecrets(RunBundle& prepared, const std::vector<std::string>& kubeconfigs) {
  for (auto& secret : bundle::KubeconfigSecrets(kubeconfigs)) {
    prepared.secrets.push_back(std::move(secret));
  }
}

int FinishRunBundle(const RunBundle& prepared, const RunCommand& command,
                    const ClusterHandle& cluster, const RunResult& run, int exit_code) {
  const std::string& dir = command.options.output_dir;
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "ra2cert: writing the bundle failed: %s\n", message.c_str());
    return exit_code == 0 ? kExitInfrastructure : exit_code;
  };
  auto harness = bundle::HarnessFacts(RA2CERT_VERSION);
  if (!harness) return fail(harness.error().message());
  bundle::RunRecord record{ClusterFacts(cluster, run), EffectiveConfig(command),
                           std::move(harness).value(), std::nullopt};
  if (prepared.declarations) record.declarations = bundle::DeclarationsJson(*prepared.declarations);
  if (auto written = bundle::WriteRunRecord(dir, record); !written) {
    return fail(written.error().message());
  }
  bundle::Bundle built;
  auto path = bundle::WriteBundle({dir, prepared.signer.get(), prepared.secrets}, &built);
  if (!path) return fail(path.error().message());
  PrintWritten(*path, built, prepared.signer.get());
  return exit_code;
}

void AddBundleCommands(CLI::App& app, BundleCommands& commands, CLI::App*& keygen,
                       CLI::App*& verify, CLI::App*& remake) {
  keygen = app.add_subcommand("keygen", "write a key pair for signing bundles (PEM)");
  keygen->add_option("--out", commands.keygen_dir, "directory for ra2cert.key and ra2cert.pub")
      ->required();
  keygen->add_option("--algorithm", commands.keygen_algorithm, "ecdsa-p256 (default) or ed25519");

  verify = app.add_subcommand("verify", "verify a certification bundle offline");
  verify->add_option("bundle", commands.verify_bundle, "the bundle (.tar.gz)")->required();
  verify->add_option("--key", commands.verify_key, "the signer's PEM public key")->required();

  remake =
      app.add_subcommand("bundle", "(re)write the bundle of a finished run's output directory");
  remake->add_option("dir", commands.bundle_dir, "the run's --output-dir")->required();
  remake->add_option("--sign-key", commands.flags.sign_key, "sign with this PEM private key");
  remake->add_option("--signer", commands.flags.signer, "sign with this command (see run --help)");
  remake->add_option("--kubeconfig", commands.bundle_kubeconfigs,
                     "redact this kubeconfig's credentials too (repeatable)");
}

int RunKeygen(const BundleCommands& commands) {
  auto algorithm = bundle::ParseKeyAlgorithm(commands.keygen_algorithm);
  if (!algorithm) return UsageError("--algorithm: " + algorithm.error().message());
  auto key = bundle::Key::Generate(*algorithm);
  if (!key) return UsageError(key.error().message());
  auto files = bundle::WriteKeyPair(*key, commands.keygen_dir);
  if (!files) {
    std::fprintf(stderr, "ra2cert: %s\n", files.error().message().c_str());
    return files.error().code() == kExitUsage ? kExitUsage : kExitInfrastructure;
  }
  std::printf(
      "Wrote %s (%s private key, mode 0600: keep it secret) and %s (give it to verifiers)\n",
      files->private_path.c_str(), bundle::KeyAlgorithmName(*algorithm),
      files->public_path.c_str());
  return 0;
}

int RunVerify(const BundleCommands& commands) {
  auto key = bundle::Key::LoadPublicFile(commands.verify_key);
  if (!key) {
    std::fprintf(stderr, "ra2cert verify: --key %s\n", key.error().message().c_str());
    return key.error().code() == kExitUsage ? kExitUsage : kExitVerifyFailed;
  }
  auto verified = bundle::VerifyBundleFile(commands.verify_bundle, *key);
  if (!verified) {
    std::fprintf(stderr, "ra2cert verify: %s: FAILED: %s\n", commands.verify_bundle.c_str(),
                 verified.error().message().c_str());
    return verified.error().code() == kExitUsage ? kExitUsage : kExitVerifyFailed;
  }
  auto rendered = bundle::RenderVerified(*verified);
  if (!rendered) {
    std::fprintf(stderr, "ra2cert verify: %s: FAILED: %s\n", commands.verify_bundle.c_str(),
                 rendered.error().message().c_str());
    return kExitVerifyFailed;
  }
  std::printf("Verified %s\n%s", commands.verify_bundle.c_str(), rendered->c_str());
  return 0;
}

int RunBundleCommand(const BundleCommands& commands) {
  auto signer = MakeSigner(commands.flags.sign_key, commands.flags.signer);
  if (!signer) return UsageError(signer.error().message());
  bundle::BundleOptions options{commands.bundle_dir, signer->get(),
                                bundle::KubeconfigSecrets(commands.bundle_kubeconfigs)};
  bundle::Bundle built;
  auto path = bundle::WriteBundle(options, &built);
  if (!path) {
    std::fprintf(stderr, "ra2cert bundle: %s\n", path.error().message().c_str());
    return kExitUsage;
  }
  PrintWritten(*path, built, signer->get());
  return 0;
}

}  // namespace ra2cert::cli
