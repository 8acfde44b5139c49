#!/bin/sh
# Runner entrypoint: start the inner Docker engine on the per-job volume, wait for it (bounded),
# then run the given command (by default the Forge agent).
set -eu

FORGE_DOCKERD_TIMEOUT="${FORGE_DOCKERD_TIMEOUT:-30}"
export DOCKER_HOST=unix:///var/run/docker.sock

mkdir -p /var/lib/docker /var/run /var/log
dockerd --data-root /var/lib/docker --host "$DOCKER_HOST" >/var/log/dockerd.log 2>&1 &
echo $! >/var/run/forge-dockerd.pid

forge_wait_docker() {
    deadline=$(( $(date +%s) + FORGE_DOCKERD_TIMEOUT ))
    while ! docker version >/dev/null 2>&1; do
        if ! kill -0 "$(cat /var/run/forge-dockerd.pid)" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            echo "forge: the inner Docker engine did not come up within ${FORGE_DOCKERD_TIMEOUT}s; its log:" >&2
            tail -n 20 /var/log/dockerd.log >&2
            return 1
        fi
        sleep 0.05
    done
}

if [ "$#" -eq 0 ]; then
    set -- /usr/local/bin/forge-agent
fi
forge_wait_docker
exec "$@"
