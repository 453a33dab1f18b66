#!/usr/bin/env bash
# Runs under faults, end to end: a full certification runs against the local cluster while
# a component of it breaks (cluster.sh fault: kube-apiserver killed and restarted, the
# worker's kubelet stopped, its containerd restarted, its link cut) or while ra2cert itself
# is sent SIGTERM or SIGKILL. For each: the run ends within its bound (never hangs), every
# case has an outcome and each one that did not pass says why, results.json, junit.xml and
# report.html are written, the bundle verifies, and nothing labelled with the run's id is
# left in the cluster once it has recovered (after SIGKILL: once `ra2cert cleanup --run ID`
# has run). Prints a table fault x outcomes x seconds x leftovers; exit 1 when a row is wrong.
#
#   faults.sh RA2CERT_BINARY [STATE_DIR]
#
# Spins its own local cluster (one per machine) and takes it down at the end. Needs root.
source "$(dirname "$0")/../support/cluster_test.sh" faults "$@"
CLUSTER_SH=$ROOT/environments/local/cluster.sh
FAULT_SECONDS=${RA2CERT_FAULT_SECONDS:-15}
# A run of the full suite takes about a minute here; a broken cluster makes cases wait out
# their deadlines (the longest is a few minutes). Anything beyond this bound is a hang.
RUN_BOUND=${RA2CERT_FAULT_RUN_BOUND:-600}
STOP_GRACE=10


HELM_DIR=$("$ROOT/environments/local/components/build-all.sh" 1.33 helm | awk '$1 == "helm" { print $2 }')
"$RA2CERT" keygen --out "$OUT/key" --algorithm ed25519 >/dev/null
t0=$SECONDS
"$RA2CERT" cluster up --state-dir "$STATE" >"$OUT/up.out" 2>>"$OUT/cluster.log" ||
  { cat "$OUT/cluster.log" >&2; echo "cluster up failed" >&2; exit 1; }
REGISTRY=$(awk '/^registry: / { print $2 }' "$OUT/up.out")
say "cluster up in $((SECONDS - t0)) s"
endpoints=""
for socket in "$STATE"/nodes/*/containerd/containerd.sock; do
  node=${socket#"$STATE/nodes/"}; node=${node%%/*}
  endpoints+="${endpoints:+,}$node=unix://$socket"
done

api() { curl -fsS --max-time 5 --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
  --key "$STATE/pki/admin.key" "$(awk '/server:/ { print $2; exit }' "$KUBECONFIG_FILE")$1"; }
# run_namespaces ID: how many namespaces carry the run's label (terminating ones included).
run_namespaces() { api "/api/v1/namespaces?labelSelector=ra2cert.io/run%3D$1" | jq '.items | length'; }
no_run_namespace() { [[ "$(run_namespaces "$1")" == 0 ]]; }
any_run_namespace() { [[ "$(api "/api/v1/namespaces?labelSelector=ra2cert.io/run" | jq '.items | length')" -gt 0 ]]; }
wait_for() {  # wait_for SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do ((SECONDS < deadline)) || return 1; sleep 0.5; done
}
run_id_of() { sed -n 's/^ra2cert [^:]*: run \([0-9a-f-]*t[0-9a-f-]*\),.*/\1/p' "$1" | head -1; }

# start_run NAME [RUN_FLAG...]: the full suite in the background into $OUT/NAME; sets RUN_PID.
start_run() {
  local name=$1; shift
  RA2CERT_HELM=$HELM_DIR/helm "$RA2CERT" run "$@" --kubeconfig "$KUBECONFIG_FILE" \
    --cri-endpoints "$endpoints" --image-registry "$REGISTRY" --parallel 3 \
    --stop-grace "$STOP_GRACE" --sign-key "$OUT/key/ra2cert.key" \
    --output-dir "$OUT/$name" >"$OUT/$name.log" 2>&1 &
  RUN_PID=$!
}

# finish_run NAME: waits for the run within RUN_BOUND; sets RUN_EXIT (hang: 124) and RUN_SECONDS.
finish_run() {
  local started=$1 deadline=$((SECONDS + RUN_BOUND))
  while kill -0 "$RUN_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$RUN_PID" 2>/dev/null; then
    kill -KILL "$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
    RUN_EXIT=124
  else
    RUN_EXIT=0; wait "$RUN_PID" || RUN_EXIT=$?
  fi
  RUN_SECONDS=$((SECONDS - started))
}

# check NAME FAULT EXPECT_INTERRUPTED: the checks every scenario shares; adds its row.
check() {
  local name=$1 fault=$2 interrupted=$3 dir=$OUT/$1 problems=() id outcomes left bundle
  id=$(run_id_of "$OUT/$name.log")
  [[ -n "$id" ]] || problems+=("no run id in the console")
  ((RUN_EXIT != 124)) || problems+=("HUNG: still running after ${RUN_BOUND}s")
  if [[ -f "$dir/results.json" ]]; then
    outcomes=$(jq -r '[.cases[].outcome] | group_by(.) | map("\(.[0])=\(length)") | join(",")' "$dir/results.json")
    jq -e '.complete' "$dir/results.json" >/dev/null || problems+=("results.json not complete")
    [[ "$(jq -r '.interrupted' "$dir/results.json")" == "$interrupted" ]] || problems+=("interrupted != $interrupted")
    if [[ $interrupted == false ]]; then
      jq -e 'all(.cases[]; .outcome != "NotRun")' "$dir/results.json" >/dev/null || problems+=("a case NotRun")
    fi
    jq -e 'all(.cases[]; .outcome == "Passed" or (.message | length > 0))' "$dir/results.json" >/dev/null ||
      problems+=("a case without a reason")
  else
    outcomes=none; problems+=("no results.json")
  fi
  xmllint --noout "$dir/junit.xml" 2>/dev/null || problems+=("junit.xml missing or not XML")
  [[ -s "$dir/report.html" ]] || problems+=("no report.html")
  bundle=$(ls "$dir"/ra2cert-*.tar.gz 2>/dev/null | head -1 || true)
  if [[ -n "$bundle" ]]; then
    "$RA2CERT" verify "$bundle" --key "$OUT/key/ra2cert.pub" >"$OUT/$name.verify" 2>&1 || problems+=("bundle does not verify")
  else
    problems+=("no bundle")
  fi
  if [[ -n "$id" ]]; then
    wait_for 180 no_run_namespace "$id" || true
    left=$(run_namespaces "$id" || echo "?")
    [[ "$left" == 0 ]] || problems+=("$left namespace(s) of the run left")
  else
    left="?"
  fi
  if pgrep -f -- "--result-file $dir/" >/dev/null; then problems+=("case processes left"); fi
  rows+=("$(printf '%-20s %-45s %5s s  exit %-3s left %-3s %s' "$fault" "$outcomes" "$RUN_SECONDS" \
    "$RUN_EXIT" "$left" "${problems[*]:-ok}")")
  ((${#problems[@]} == 0)) || { wrong=$((wrong + 1)); tail -20 "$OUT/$name.log" >&2; }
}

outcomes_of() { jq -r '.cases[] | "\(.id) \(.outcome)"' "$OUT/$1/results.json" 2>/dev/null | sort; }

# One run alone: the reference the concurrent runs must match.
say "one run alone"
started=$SECONDS
start_run alone
finish_run "$started"
check alone "(none, alone)" false

# Four runs at once on the same cluster: each its own run id, namespaces and output,
# the same outcome for every case as the run alone. Twelve cases at once on two cores widen
# a race in gVisor's `runsc exec` (its parent checks for the child's pid file, then whether
# the child is alive: an exec'd command that ends in between fails the ExecSync; runsc/cmd/
# exec.go, WaitForReady), so these runs retry a failed case once, as a lab running under load
# would; a case that passed only on its retry is listed as flaky, so interference between
# runs that is not a one-off still shows as a difference.
for n in 4; do
  say "$n concurrent runs"
  started=$SECONDS pids=()
  for ((k = 1; k <= n; k++)); do start_run "concurrent$n-$k" --retries 1; pids+=("$RUN_PID"); done
  for ((k = 1; k <= n; k++)); do
    RUN_PID=${pids[k - 1]}
    finish_run "$started"
    check "concurrent$n-$k" "concurrent x$n #$k" false
    if ! diff <(outcomes_of alone) <(outcomes_of "concurrent$n-$k") >"$OUT/concurrent$n-$k.diff"; then
      rows+=("$(printf '%-20s differs from the run alone: %s' "concurrent x$n #$k" \
        "$(grep '^>' "$OUT/concurrent$n-$k.diff" | tr '\n' ' ')")")
      wrong=$((wrong + 1))
    fi
    flaky=$(jq -r '[.cases[] | select(.flaky) | .id] | join(" ")' "$OUT/concurrent$n-$k/results.json" 2>/dev/null || true)
    [[ -z "$flaky" ]] || rows+=("$(printf '%-20s flaky (passed on the retry): %s' "concurrent x$n #$k" "$flaky")")
  done
done

# A cluster fault while the run is in flight: injected once a case has its namespace.
for fault in apiserver-restart kubelet-stop containerd-restart worker-link-down; do
  say "$fault"
  started=$SECONDS
  start_run "$fault"
  wait_for 120 any_run_namespace || say "no case namespace appeared within 120 s"
  "$CLUSTER_SH" fault "$fault" --seconds "$FAULT_SECONDS" --state-dir "$STATE" \
    >"$OUT/$fault.fault" 2>>"$OUT/cluster.log" || { say "cluster.sh fault $fault failed"; cat "$OUT/$fault.fault" >&2; }
  finish_run "$started"
  check "$fault" "$fault" false
done

# ra2cert itself stopped: SIGTERM ends it with exit 130 and its partial results; SIGKILL
# leaves its namespaces for `ra2cert cleanup --run ID`.
say "SIGTERM"
started=$SECONDS
start_run sigterm
wait_for 120 any_run_namespace || true
kill -TERM "$RUN_PID"
finish_run "$started"
((RUN_EXIT == 130)) || say "SIGTERM: exit $RUN_EXIT, expected 130"
[[ $RUN_EXIT == 130 ]] || wrong=$((wrong + 1))
check sigterm SIGTERM true

say "SIGKILL"
started=$SECONDS
start_run sigkill
wait_for 120 any_run_namespace || true
sleep 2
kill -KILL "$RUN_PID"
wait "$RUN_PID" 2>/dev/null || true
# The case processes run in their own process groups and outlive a SIGKILLed parent only
# until their own deadline; cleanup must remove what they and the run left regardless.
id=$(run_id_of "$OUT/sigkill.log")
[[ -n "$id" ]] || { say "SIGKILL: no run id in the console"; wrong=$((wrong + 1)); id=$(jq -r .run_id "$OUT/sigkill/results.json"); }
before=$(run_namespaces "$id" || echo "?")
cleanup_exit=0
"$RA2CERT" cleanup --run "$id" --kubeconfig "$KUBECONFIG_FILE" --wait 180 >"$OUT/sigkill.cleanup" 2>&1 || cleanup_exit=$?
left=$(run_namespaces "$id" || echo "?")
problems=()
[[ -f "$OUT/sigkill/results.json" ]] || problems+=("no partial results.json")
((cleanup_exit == 0)) || problems+=("cleanup exit $cleanup_exit")
[[ "$left" == 0 ]] || problems+=("$left namespace(s) left after cleanup")
rows+=("$(printf '%-20s %-45s %5s s  exit %-3s left %-3s %s' SIGKILL "namespaces before cleanup: $before" \
  "$((SECONDS - started))" 137 "$left" "${problems[*]:-ok}")")
((${#problems[@]} == 0)) || wrong=$((wrong + 1))

printf '%s\n' "fault                outcomes                                      time     exit     leftovers" "${rows[@]}"
say "$wrong wrong row(s); outputs in $OUT"
((wrong == 0))
