#!/bin/sh
# Runner entrypoint: start the inner Docker engine with its data on the per-job volume
# (/var/lib/docker), then either hand over to the Forge agent, which checks out the code and runs
# the steps while the engine starts (a step's first `docker` command waits for it), or run the
# given command once the engine answers.
set -eu

export DOCKER_HOST=unix:///var/run/docker.sock
mkdir -p /var/lib/docker /var/run /var/log

# docker:*-dind ships `dind`, which prepares cgroups and security mounts for a nested engine.
dind=""
if command -v dind >/dev/null 2>&1; then
    dind=dind
fi
# FORGE_REGISTRY: the one registry without TLS that the controller's operator trusts (the local stack's).
# FORGE_REGISTRY_MIRRORS: pull-through mirrors, space-separated URLs (the controller checked them).
registry=""
if [ -n "${FORGE_REGISTRY:-}" ]; then
    registry="--insecure-registry=$FORGE_REGISTRY"
fi
mirrors=""
for mirror in ${FORGE_REGISTRY_MIRRORS:-}; do
    mirrors="$mirrors --registry-mirror=$mirror"
done
# $mirrors is split on purpose: one word per flag, and no URL has a space
# shellcheck disable=SC2086
$dind dockerd --data-root /var/lib/docker --host "$DOCKER_HOST" ${registry:+"$registry"} $mirrors </dev/null >/var/log/dockerd.log 2>&1 &
echo $! >/var/run/forge-dockerd.pid

if [ "$#" -eq 0 ]; then
    exec /usr/local/bin/forge-agent
fi
/usr/local/bin/forge-wait-docker
exec "$@"
