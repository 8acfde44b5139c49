package dev.forgeci.controller.job;

import static dev.forgeci.controller.runner.StepFiles.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.runner.StepFiles;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;

/**
 * A job's {@code container} and {@code services}, as GitHub's "Initialize containers" starts them,
 * in the job's own Docker engine: a network of the job's, each service on it under its key as host
 * name (its {@code ports} published on the runner), waited on until its health check passes, then the
 * job container with the workspace and /forge mounted at the same paths, kept alive for the steps
 * to {@code docker exec} into, with the runner's Node.js mounted for JavaScript actions. Nothing
 * outlives the runner: the engine is the job's.
 * The script is sh; every value is single-quoted; the spec's strings are templates, evaluated here.
 */
final class JobContainers {

    /** The job container's name in the job's engine. */
    static final String CONTAINER = "forge-job";

    static final String NETWORK = "forge-job";
    /**
     * The runner's Node.js as the job container runs it: its binary, shared libraries and dynamic
     * loader bind-mounted read-only under /__e/node (GitHub mounts its own at /__e/node20), started
     * through that loader so that it needs nothing of the image's (which may have no libc at all);
     * the few built-in modules Debian's build reads from /usr/share/nodejs are mounted at their paths.
     */
    static final List<String> NODE =
            List.of("/__e/node/ld.so", "--library-path", "/__e/node/lib", "/__e/node/bin/node");
    /**
     * Sets the positional parameters to the mounts of {@link #NODE}, from what {@code ldd} says the
     * runner's node needs; none when the runner has no node.
     */
    private static final String NODE_MOUNTS = """
            set --
            if forge_node=$(command -v node) && forge_libs=$(ldd "$forge_node"); then
                forge_node=$(readlink -f "$forge_node")
                for forge_lib in $(printf '%s\\n' "$forge_libs" | sed -n 's/^[[:space:]]*\\([^ ]*\\) => \\(\\/[^ ]*\\) (0x.*/\\1=\\2/p'); do
                    set -- "$@" -v "${forge_lib#*=}:/__e/node/lib/${forge_lib%%=*}:ro"
                    # Debian's Node.js reads a few of its built-in modules from files, at their own paths
                    case ${forge_lib%%=*} in
                        libnode.*)
                            for forge_builtin in $(grep -ao '/usr/share/nodejs/[A-Za-z0-9_./-]*[.]js' "${forge_lib#*=}" | sort -u); do
                                [ ! -f "$forge_builtin" ] || set -- "$@" -v "$forge_builtin:$forge_builtin:ro"
                            done ;;
                    esac
                done
                forge_loader=$(printf '%s\\n' "$forge_libs" | sed -n 's/^[[:space:]]*\\(\\/[^ ]*\\) (0x.*/\\1/p' | head -n 1)
                set -- "$@" -v "$forge_node:/__e/node/bin/node:ro" -v "$forge_loader:/__e/node/ld.so:ro"
            fi
            """;
    /** How long a service (or the job container) may take to become healthy, in half seconds. */
    private static final int HEALTH_POLLS = 240;

    private JobContainers() {}

    /** Whether the job has anything to start. */
    static boolean any(JsonNode container, JsonNode services) {
        return present(container) || present(services) && !services.isEmpty();
    }

    /** The init script for the job's containers, its templates evaluated in {@code scope}. */
    static String script(JsonNode container, JsonNode services, Scope scope) {
        StringBuilder script = new StringBuilder("""
                set -e
                # running, and healthy when it has a health check; else its state and last lines, and a failure
                forge_wait() {
                    polls=0
                    while :; do
                        state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1")
                        case $state in
                            'running healthy' | 'running ') return 0 ;;
                            'running starting') ;;
                            *) break ;;
                        esac
                        polls=$((polls + 1))
                        [ "$polls" -lt %d ] || break
                        sleep 0.5
                    done
                    echo "forge: $2 $1 is not healthy ($state); its last lines:" >&2
                    docker logs --tail 50 "$1" >&2 || true
                    exit 1
                }
                docker network create %s >/dev/null
                # the real client, which keeps every variable it is given (the docker shim is sh, which drops INPUT_FETCH-DEPTH)
                forge_ifs=$IFS
                IFS=:
                for forge_dir in $PATH; do
                    if [ "$forge_dir" != /usr/local/lib/forge/bin ] && [ -x "$forge_dir/docker" ]; then
                        ln -sf "$forge_dir/docker" %s
                        break
                    fi
                done
                IFS=$forge_ifs
                """.formatted(HEALTH_POLLS, NETWORK, StepFiles.DOCKER_CLIENT));
        List<String> started = new ArrayList<>();
        if (present(services)) {
            for (Map.Entry<String, JsonNode> service : services.properties()) {
                String name = service.getKey();
                String image = render(service.getValue().path("image"), scope);
                script.append("echo ")
                        .append(quote("forge: starting service " + name + " (" + image + ")"))
                        .append('\n');
                login(script, service.getValue(), image, scope);
                script.append("docker run -d --name ")
                        .append(quote(name))
                        .append(" --network ")
                        .append(NETWORK)
                        .append(" --network-alias ")
                        .append(quote(name));
                options(script, service.getValue(), scope);
                script.append(' ').append(quote(image)).append(" >/dev/null\n");
                started.add(name);
            }
        }
        for (String name : started) {
            script.append("forge_wait ").append(quote(name)).append(" service\n");
        }
        if (present(container)) {
            String image = render(container.path("image"), scope);
            script.append("echo ")
                    .append(quote("forge: starting the job container (" + image + ")"))
                    .append('\n');
            login(script, container, image, scope);
            script.append(NODE_MOUNTS);
            script.append("docker run -d --name ")
                    .append(CONTAINER)
                    .append(" --network ")
                    .append(NETWORK)
                    .append(" -v /workspace:/workspace -v /forge:/forge -w /workspace \"$@\"");
            options(script, container, scope);
            // GitHub keeps the job container alive the same way; the steps exec into it
            script.append(" --entrypoint tail ").append(quote(image)).append(" -f /dev/null >/dev/null\n");
            script.append("forge_wait ").append(CONTAINER).append(" 'job container'\n");
        }
        return script.toString();
    }

    /**
     * The {@code job.container} and {@code job.services} contexts once they run: {@code id} is the
     * container's name in the job's engine (docker takes either), {@code network} the job's, and a
     * service's {@code ports} map each published container port to its port on the runner.
     */
    static ObjectNode context(JsonNode container, JsonNode services, Scope scope) {
        ObjectNode contexts = JsonNodeFactory.instance.objectNode();
        ObjectNode job = contexts.putObject("container");
        if (present(container)) {
            job.put("id", CONTAINER).put("network", NETWORK);
        }
        ObjectNode all = contexts.putObject("services");
        if (present(services)) {
            for (Map.Entry<String, JsonNode> service : services.properties()) {
                ObjectNode entry = all.putObject(service.getKey())
                        .put("id", service.getKey())
                        .put("network", NETWORK);
                ObjectNode ports = entry.putObject("ports");
                for (JsonNode port : service.getValue().path("ports")) {
                    // [ip:]host:container[/protocol]; a port published without a host port has none known here
                    String[] parts =
                            render(port, scope).replaceFirst("/.*$", "").split(":");
                    if (parts.length >= 2) {
                        ports.put(parts[parts.length - 1], parts[parts.length - 2]);
                    }
                }
            }
        }
        return contexts;
    }

    /** env, ports, volumes and options (docker create's own flags, split as a shell splits words). */
    private static void options(StringBuilder script, JsonNode spec, Scope scope) {
        for (Map.Entry<String, JsonNode> variable : spec.path("env").properties()) {
            script.append(" -e ").append(quote(variable.getKey() + "=" + render(variable.getValue(), scope)));
        }
        for (JsonNode port : spec.path("ports")) {
            script.append(" -p ").append(quote(render(port, scope)));
        }
        for (JsonNode volume : spec.path("volumes")) {
            script.append(" -v ").append(quote(render(volume, scope)));
        }
        if (spec.hasNonNull("options")) {
            for (String option : ActionSteps.arguments(render(spec.get("options"), scope))) {
                script.append(' ').append(quote(option));
            }
        }
    }

    /** {@code credentials}: a login to the image's registry first, the password on docker's stdin. */
    private static void login(StringBuilder script, JsonNode spec, String image, Scope scope) {
        JsonNode credentials = spec.path("credentials");
        if (!credentials.isObject()) {
            return;
        }
        String first = image.contains("/") ? image.substring(0, image.indexOf('/')) : "";
        String registry = first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
        script.append("printf '%s' ")
                .append(quote(render(credentials.path("password"), scope)))
                .append(" | docker login -u ")
                .append(quote(render(credentials.path("username"), scope)))
                .append(" --password-stdin ")
                .append(quote(registry))
                .append(" >/dev/null\n");
    }

    private static String render(JsonNode value, Scope scope) {
        return value == null || value.isNull() || value.isMissingNode() ? "" : Template.render(value.asText(), scope);
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }
}
