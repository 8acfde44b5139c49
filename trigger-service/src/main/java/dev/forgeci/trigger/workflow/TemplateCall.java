package dev.forgeci.trigger.workflow;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.trigger.workflow.JobTemplate.Deferred;

/**
 * One job's call of a reusable workflow, and how the called jobs become jobs of this run: ids
 * {@code <caller>.<id>} (a dot is in no workflow's job id), their own needs renamed alike plus
 * everything the caller needs, names {@code <caller's name> / <name>} as GitHub shows them, and
 * the call they belong to. Every place they report an error at is the caller's {@code uses}.
 */
record TemplateCall(
        String id,
        String name,
        List<String> needs,
        String condition,
        JsonNode with,
        Callable callable,
        Map<String, String> secrets,
        Map<String, Location> locations,
        boolean withReadsNeeds,
        List<String> inheritedSecretNames) {

    JobTemplate job(JobTemplate called) {
        Set<String> needed = new LinkedHashSet<>();
        called.needs().forEach(need -> needed.add(id + "." + need));
        needed.addAll(needs);
        Deferred deferred = called.deferred();
        JsonNode innerName = deferred.name() != null ? deferred.name() : TextNode.valueOf(called.id());
        JsonNode shown = innerName.isTextual() ? TextNode.valueOf(name + " / " + innerName.textValue()) : innerName;
        Set<String> secretNames = new LinkedHashSet<>(called.secrets());
        secretNames.addAll(inheritedSecretNames);
        return new JobTemplate(
                id + "." + called.id(),
                List.copyOf(needed),
                called.condition(),
                called.env(),
                List.copyOf(secretNames),
                called.outputs(),
                called.steps(),
                new Deferred(
                        shown,
                        deferred.runsOn(),
                        deferred.strategy(),
                        deferred.timeoutMinutes(),
                        deferred.continueOnError()),
                called.readsNeeds() || withReadsNeeds,
                locations,
                called.container(),
                called.services(),
                new JobTemplate.Call(id, needs, condition, with, callable.inputs(), secrets),
                null);
    }

    /** The calling job: it needs every called job and ends with their result and the called workflow's outputs. */
    JobTemplate caller(JobTemplate placeholder, List<JobTemplate> called) {
        return JobTemplate.caller(
                id,
                called.stream().map(JobTemplate::id).toList(),
                callable.outputs(),
                placeholder.deferred(),
                locations);
    }
}
