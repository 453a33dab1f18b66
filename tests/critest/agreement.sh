#!/usr/bin/env bash
# ra2cert's CRI cases agree with critest (cri-tools' CRI validation suite) on real runtimes.
# One local cluster whose control-plane node runs containerd 2 and whose worker runs Debian
# 12's containerd 1.6 (the seeded violation runtime-containerd-1.6). Each node's runtime is
# judged twice, through the same socket: by critest, under the default handler and under the
# gVisor handler (runsc), and by ra2cert's CRI cases given only that node's socket. Per node and
# area the verdicts must agree: both pass or both fail. An area in which critest ran no spec
# means the focus below no longer matches critest's specs, which is wrong too.
# Prints a table node x area x critest x ra2cert and the wall times; exit 1 when a row is wrong.
#
#   agreement.sh RA2CERT_BINARY [STATE_DIR]
#
# critest runs inside the node's network namespace, where the runtime's streaming server
# listens (127.0.0.1), with the probe image from the cluster's registry as its test image. Its
# image-manager specs need public images pinned by digest, so images are not compared here.
# Spins its own local cluster (one per machine) and takes it down at the end. Needs root.
source "$(dirname "$0")/../support/cluster_test.sh" critest "$@"

# The areas both judge (area, critest spec pattern, ra2cert cases, critest's handlers).
mapfile -t AREAS < <(grep -v '^#' "$(dirname "$0")/areas.tsv")
area_name() { cut -f1 <<<"$1"; }
area_focus() { cut -f2 <<<"$1"; }
area_cases() { cut -f3 <<<"$1"; }
area_handlers() { cut -f4 <<<"$1"; }

# One build-all call for the three components (a no-op when cached): "NAME BINDIR" lines.
built=$("$ROOT/environments/local/components/build-all.sh" 1.33 critools helm kubernetes)
bin_dir() { awk -v n="$1" '$1 == n { print $2 }' <<<"$built"; }
CRITOOLS=$(bin_dir critools) HELM_DIR=$(bin_dir helm) K8S_BIN=$(bin_dir kubernetes)
CRITEST=$CRITOOLS/critest
[[ -x "$CRITEST" ]] || { echo "no critest in the component cache ($CRITOOLS)" >&2; exit 1; }

t0=$SECONDS
"$RA2CERT" cluster up --state-dir "$STATE" --violate runtime-containerd-1.6 >"$OUT/up.out" 2>>"$OUT/cluster.log" ||
  { cat "$OUT/cluster.log" >&2; echo "cluster up failed" >&2; exit 1; }
REGISTRY=$(awk '/^registry: / { print $2 }' "$OUT/up.out")
say "cluster up in $((SECONDS - t0)) s (registry $REGISTRY)"
IMAGE=$("$RA2CERT" images list --image-registry "$REGISTRY" | grep -m1 '/ra2cert/busybox:')
printf 'defaultTestContainerImage: %s\nwebServerTestImage: %s\n' "$IMAGE" "$IMAGE" >"$OUT/images.yaml"

focus_all=$(for a in "${AREAS[@]}"; do area_focus "$a"; done | paste -sd"|")
cases_all=$(for a in "${AREAS[@]}"; do area_cases "$a"; done | tr ' ' '\n' | sort -u)
ra2cert_focus="^($(sed 's/\./\\./g' <<<"$cases_all" | paste -sd'|')) "

# critest_run NODE HANDLER: critest's specs of every area against NODE's runtime, JSON report
# into $OUT/critest-NODE-HANDLER.json; its seconds into $OUT/critest-NODE-HANDLER.seconds.
critest_run() {
  local node=$1 handler=$2 socket start=$SECONDS args=()
  socket=unix://$STATE/nodes/$node/containerd/containerd.sock
  [[ $handler == default ]] || args=(-runtime-handler "$handler")
  # nsenter, not `ip netns exec`: the latter remounts /sys, which critest does not need.
  nsenter --net="/run/netns/$node" "$CRITEST" -runtime-endpoint "$socket" -image-endpoint "$socket" \
    -test-images-file "$OUT/images.yaml" "${args[@]}" -ginkgo.focus "$focus_all" \
    -ginkgo.json-report "$OUT/critest-$node-$handler.json" -ginkgo.no-color \
    >"$OUT/critest-$node-$handler.log" 2>&1 || true
  echo $((SECONDS - start)) >"$OUT/critest-$node-$handler.seconds"
}

# ra2cert_run NODE: ra2cert's CRI cases given only NODE's socket, into $OUT/ra2cert-NODE.
ra2cert_run() {
  local node=$1 start=$SECONDS
  RA2CERT_HELM=$HELM_DIR/helm "$RA2CERT" run --kubeconfig "$KUBECONFIG_FILE" \
    --cri-endpoints "$node=unix://$STATE/nodes/$node/containerd/containerd.sock" \
    --image-registry "$REGISTRY" --focus "$ra2cert_focus" --parallel 2 \
    --output-dir "$OUT/ra2cert-$node" >"$OUT/ra2cert-$node.log" 2>&1 || true
  echo $((SECONDS - start)) >"$OUT/ra2cert-$node.seconds"
}

# critest_verdict NODE AREA: "pass N", "fail N/M: <first failure>" or "none" over the area's
# specs in every handler the area is judged under.
critest_verdict() {
  local node=$1 area=$2 focus handler reports=()
  focus=$(area_focus "$area")
  for handler in $(area_handlers "$area"); do reports+=("$OUT/critest-$node-$handler.json"); done
  jq -rs --arg re "$focus" '
    [.[][]?.SpecReports[]?
      | select(.LeafNodeType == "It")
      | ((.ContainerHierarchyTexts // []) + [.LeafNodeText] | join(" ")) as $text
      | select($text | test($re))
      | select(.State == "passed" or .State == "failed" or .State == "panicked" or .State == "timedout")
      | {text: $text, passed: (.State == "passed"), why: (.Failure.Message // .State)}] as $specs
    | ($specs | map(select(.passed | not))) as $failed
    | if ($specs | length) == 0 then "none"
      elif ($failed | length) == 0 then "pass \($specs | length)"
      else "fail \($failed | length)/\($specs | length): \($failed[0].text): \($failed[0].why | gsub("\\s+"; " ") | .[0:160])"
      end' "${reports[@]}" 2>/dev/null || echo "none"
}

# ra2cert_verdict NODE AREA: "pass", or "fail <id> <outcome>: <message>" for the first case
# of the area that did not pass.
ra2cert_verdict() {
  local node=$1 area=$2 id outcome
  for id in $(area_cases "$area"); do
    outcome=$(jq -r --arg id "$id" '.cases[] | select(.id == $id) | .outcome' "$OUT/ra2cert-$node/results.json" 2>/dev/null)
    if [[ "$outcome" != Passed ]]; then
      echo "fail $id ${outcome:-missing}: $(jq -r --arg id "$id" '.cases[] | select(.id == $id) | .message' \
        "$OUT/ra2cert-$node/results.json" 2>/dev/null | tr '\n' ' ' | head -c 160)"
      return
    fi
  done
  echo pass
}

nodes=(ra2cert-node1 ra2cert-node2)
# critest is written for a runtime no kubelet manages (upstream runs it on a bare node): a
# running kubelet takes critest's sandboxes for pods the API server no longer has and stops
# them within seconds, and critest then fails on its own objects vanishing ("no running task
# found", a failed exec, a network torn down twice). So each node's kubelet is paused
# (SIGSTOP) while critest runs there and resumed before ra2cert runs, whose CRI cases anchor
# their scratch objects to a pod of their own precisely so that a live kubelet leaves them
# alone. The pause is short enough that no pod is evicted (NoExecute taints wait 300 s).
kubelet_signal() { # kubelet_signal SIGNAL NODE
  local pid
  pid=$(cat "$STATE/pids/$2-kubelet.pid" 2>/dev/null) && [[ -n "$pid" ]] && kill "-$1" "$pid" 2>/dev/null
}
resume_kubelets() { for node in "${nodes[@]}"; do kubelet_signal CONT "$node" || true; done; }
trap 'resume_kubelets; finish' EXIT
# The two nodes' runtimes are separate processes: both are judged at once, critest first on
# both, then ra2cert on both, so that neither loads a runtime while the other is timed.
t0=$SECONDS
for node in "${nodes[@]}"; do
  kubelet_signal STOP "$node" || { echo "cannot pause the kubelet of $node" >&2; exit 1; }
  ( critest_run "$node" default; critest_run "$node" runsc ) &
done
wait
resume_kubelets
say "critest done in $((SECONDS - t0)) s; kubelets resumed"
"$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" wait --for=condition=Ready node --all --timeout=120s >>"$OUT/cluster.log" 2>&1 ||
  { echo "the nodes did not come back Ready after critest (see $OUT/cluster.log)" >&2; exit 1; }
for node in "${nodes[@]}"; do ( ra2cert_run "$node" ) & done
wait
say "judged both nodes in $((SECONDS - t0)) s"

for node in "${nodes[@]}"; do
  runtime=$("$CRITOOLS/crictl" --runtime-endpoint "unix://$STATE/nodes/$node/containerd/containerd.sock" version 2>/dev/null |
    awk '$1 == "RuntimeName:" { n = $2 } $1 == "RuntimeVersion:" { v = $2 } END { print n " " v }')
  [[ -f "$OUT/ra2cert-$node/results.json" ]] || { cat "$OUT/ra2cert-$node.log" >&2; echo "no results.json for $node" >&2; exit 1; }
  for area in "${AREAS[@]}"; do
    c=$(critest_verdict "$node" "$area")
    r=$(ra2cert_verdict "$node" "$area")
    if [[ $c == none ]]; then
      verdict="WRONG: critest ran no spec of this area (see $OUT/critest-$node-*.log)"
    elif [[ ${c%% *} == "${r%% *}" ]]; then
      verdict=ok
    else
      verdict="WRONG: they disagree"
    fi
    [[ $verdict == ok ]] || wrong=$((wrong + 1))
    rows+=("$(printf '%-14s %-20s %-6s %-6s %s' "$node" "$(area_name "$area")" "${c%% *}" "${r%% *}" "$verdict")")
    [[ ${c%% *} == pass ]] || rows+=("$(printf '%42s critest: %s' '' "${c#* }")")
    [[ ${r%% *} == pass ]] || rows+=("$(printf '%42s ra2cert: %s' '' "${r#* }")")
  done
  rows+=("$(printf '%-14s seconds: critest default %s, critest runsc %s, ra2cert (both handlers) %s %s' "$node" \
    "$(cat "$OUT/critest-$node-default.seconds")" "$(cat "$OUT/critest-$node-runsc.seconds")" \
    "$(cat "$OUT/ra2cert-$node.seconds")" "($runtime)")")
done

echo
printf '%-14s %-20s %-6s %-6s %s\n' NODE AREA CRITEST RA2CERT VERDICT
printf '%s\n' "${rows[@]}"
echo
echo "critest agreement: $wrong wrong row(s), $((SECONDS - t0)) s judging (outputs in $OUT)"
((wrong == 0))
