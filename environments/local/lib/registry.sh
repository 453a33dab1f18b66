# The image registry: Debian's docker-registry on the host, listening on the bridge address
# only (reachable from every node namespace, from nowhere else), storage under $STATE. The
# images from fixtures/images are pushed into it. Skipped when --image-registry names another.
# Sourced by cluster.sh; needs common.sh.

registry_start() {
  mkdir -p "$STATE/registry/storage"
  cat >"$STATE/registry/config.yml" <<YAML
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $STATE/registry/storage
  delete:
    enabled: true
http:
  addr: $HOST_IP:$REGISTRY_PORT
YAML
  run_daemon registry "" /usr/bin/docker-registry serve "$STATE/registry/config.yml"
}

# registry_push: waits for the registry, then builds (or reuses) and pushes every image.
registry_push() {
  wait_until 10 "the registry on $REGISTRY" curl -fsS "http://$REGISTRY/v2/" || return 1
  "$REPO_ROOT/fixtures/images/images.sh" push --registry "$REGISTRY" ${IMAGE_NAMES:+--only "$IMAGE_NAMES"} >"$LOGS/images-push.log" 2>&1 ||
    { log "pushing images failed; see $LOGS/images-push.log"; return 1; }
}
