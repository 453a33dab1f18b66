// `ra2cert rbac`: the ClusterRole and ClusterRoleBinding a least-privilege ServiceAccount
// needs to run the selected cases, derived from their declarations (harness/plan/rbac.h).
#include <cstdio>

#include "environments/attach/attach_access.h"
#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/cli/commands.h"
#include "harness/plan/plan.h"
#include "harness/plan/rbac.h"

namespace ra2cert::cli {

void AddRbacCommand(CLI::App& app, RbacCommand& command, CLI::App*& sub) {
  sub = app.add_subcommand(
      "rbac", "print the least-privilege ClusterRole and binding a run of these cases needs");
  // Without --profile, what a run of either profile needs: a run takes its profile from the
  // nodes unless told.
  command.selection.profile.clear();
  sub->add_option("--profile", command.selection.profile,
                  "RA2 profile: basic or network-intensive (default: both)");
  sub->add_option("--section", command.selection.sections,
                  "only this RA2 section (repeatable), e.g. 4.4");
  sub->add_option("--focus", command.selection.focus,
                  "only cases whose 'id title' matches this regex");
  sub->add_option("--skip", command.selection.skip,
                  "leave out cases whose 'id title' matches this regex");
  sub->add_option("--service-account", command.service_account,
                  "NAMESPACE/NAME of the ServiceAccount the role is bound to")
      ->capture_default_str();
  sub->add_option("--output,-o", command.format, "yaml or json")->capture_default_str();
}

int RunRbac(const RbacCommand& command) {
  auto account = ParseServiceAccount(command.service_account);
  if (!account) return UsageError(account.error().message());
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  auto selected = SelectCases(*catalogue, command.selection);
  if (!selected) return UsageError(selected.error().message());
  // The harness attaches before any case runs, whatever the selection.
  const auto rules = DeriveRbacRules(*selected, AttachApiAccess());
  auto text = RenderRbac(RbacObjects(rules, *account), command.format);
  if (!text) return UsageError(text.error().message());
  std::fputs(text->c_str(), stdout);
  return 0;
}

}  // namespace ra2cert::cli
