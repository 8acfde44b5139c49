package dev.forgeci.trigger.run;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Scope;
import dev.forgeci.trigger.workflow.CompiledWorkflow;

/**
 * The contexts a run starts with, as GitHub names them — {@code github}, {@code inputs},
 * {@code vars} — and Forge's own {@code forge}: what trigger-time expressions read, and what
 * travels on {@code run-requested} as {@code context} for the scheduler and the runner-controller
 * to evaluate the rest with (they add {@code needs}, {@code matrix}, {@code steps}, {@code env}, …).
 */
final class RunContexts {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RunContexts() {}

    static ObjectNode github(
            TriggerRequest request,
            String commit,
            String runId,
            long runNumber,
            CompiledWorkflow workflow,
            ObjectNode inputStrings) {
        ObjectNode github = JSON.objectNode();
        TriggerRequest.Event event = request.event();
        String tag = event == null ? null : event.tag();
        github.put("event_name", request.kind().github());
        github.set("event", payload(request, inputStrings));
        github.put("sha", commit);
        github.put("ref", request.ref());
        github.put(
                "ref_name",
                tag != null
                        ? tag
                        : request.kind() == TriggerRequest.Kind.PATCH
                                ? "patches/" + request.patchId()
                                : request.branch() != null ? request.branch() : "");
        github.put("ref_type", tag != null ? "tag" : "branch");
        github.put("ref_protected", false);
        github.put("head_ref", request.kind() == TriggerRequest.Kind.PATCH ? "patches/" + request.patchId() : "");
        github.put("base_ref", request.kind() == TriggerRequest.Kind.PATCH && event != null ? event.baseBranch() : "");
        github.put("repository", request.repositoryName() != null ? request.repositoryName() : request.repositoryId());
        github.put("repository_id", request.repositoryId());
        github.put("repository_owner", request.repositoryId());
        github.put("repositoryUrl", request.cloneUrl());
        github.put("actor", request.actor());
        github.put("triggering_actor", request.actor());
        github.put("run_id", runId);
        github.put("run_number", String.valueOf(runNumber));
        github.put("run_attempt", "1");
        github.put("workflow", workflow.name());
        github.put(
                "workflow_ref",
                request.repositoryId() + "/" + workflow.file() + "@"
                        + (request.ref() == null ? commit : request.ref()));
        github.put("workflow_sha", commit);
        github.put("server_url", origin(request.cloneUrl()));
        github.put("api_url", "");
        github.put("graphql_url", "");
        github.put("retention_days", "30");
        github.put("secret_source", request.trusted() ? "Actions" : "None");
        github.put("token", "");
        return github;
    }

    /** {@code github.event}: the payload of a push or a patch as the edge shaped it, or GitHub's shape of a dispatch or schedule. */
    private static JsonNode payload(TriggerRequest request, ObjectNode inputStrings) {
        TriggerRequest.Event event = request.event();
        if (event != null && event.payload() != null) {
            return event.payload();
        }
        ObjectNode payload = JSON.objectNode();
        if (request.kind() == TriggerRequest.Kind.SCHEDULE) {
            payload.put("schedule", event == null ? null : event.cron());
        } else {
            payload.set("inputs", inputStrings == null ? JSON.objectNode() : inputStrings);
            payload.put("ref", request.ref());
            payload.putObject("sender").put("login", request.actor());
        }
        payload.putObject("repository").put("id", request.repositoryId()).put("name", request.repositoryName());
        return payload;
    }

    static ObjectNode forge(TriggerRequest request, String commit, String runId, CompiledWorkflow workflow) {
        ObjectNode forge = JSON.objectNode();
        forge.put("repository", request.repositoryId());
        forge.put("ref", request.ref() == null ? "" : request.ref());
        forge.put("workflow", workflow.name());
        forge.put("commit", commit);
        forge.put("run_id", runId);
        forge.put("trusted", request.trusted());
        return forge;
    }

    /** {@code vars}: the operator's variables for every repository, with this repository's own laid over them. */
    static ObjectNode vars(List<String> entries, String repositoryId) {
        ObjectNode global = JSON.objectNode();
        ObjectNode own = JSON.objectNode();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = entry.substring(0, equals).strip();
            String value = entry.substring(equals + 1);
            int slash = name.lastIndexOf('/');
            if (slash < 0) {
                global.put(name, value);
            } else if (name.substring(0, slash).equals(repositoryId)) {
                own.put(name.substring(slash + 1), value);
            }
        }
        return global.setAll(own);
    }

    /** The scope trigger-time expressions are evaluated in. */
    static Scope scope(ObjectNode context) {
        return name -> context.get(name);
    }

    private static String origin(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
