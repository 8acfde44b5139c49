package dev.forgeci.trigger.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.trigger.workflow.Triggers.PullRequestFilter;
import dev.forgeci.trigger.workflow.Triggers.PushFilter;
import dev.forgeci.trigger.workflow.YamlSource.Entry;

/**
 * The {@code on} stage of {@link WorkflowCompiler}: which events start the workflow, with their
 * filters, dispatch inputs, schedules and the {@code workflow_call} interface it offers to callers,
 * each problem reported where it is written. GitHub's events that nothing on Radicle sends are
 * accepted with a warning.
 */
final class TriggersReader {

    private static final Set<String> PUSH_KEYS =
            WorkflowCompiler.ordered("branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore");
    private static final Set<String> PULL_REQUEST_KEYS =
            WorkflowCompiler.ordered("branches", "branches-ignore", "paths", "paths-ignore", "types");
    private static final Set<String> DISPATCH_KEYS = WorkflowCompiler.ordered("inputs");
    private static final Set<String> INPUT_KEYS =
            WorkflowCompiler.ordered("description", "required", "default", "type", "options");
    private static final Set<String> WORKFLOW_CALL_KEYS = WorkflowCompiler.ordered("inputs", "outputs", "secrets");
    private static final Set<String> CALL_INPUT_KEYS =
            WorkflowCompiler.ordered("description", "required", "default", "type");
    private static final List<String> CALL_INPUT_TYPES = List.of("boolean", "number", "string");
    private static final Set<String> CALL_SECRET_KEYS = WorkflowCompiler.ordered("description", "required");
    private static final Set<String> PULL_REQUEST_TYPES = WorkflowCompiler.ordered(
            "assigned",
            "unassigned",
            "labeled",
            "unlabeled",
            "opened",
            "edited",
            "closed",
            "reopened",
            "synchronize",
            "converted_to_draft",
            "ready_for_review",
            "locked",
            "unlocked",
            "review_requested",
            "review_request_removed",
            "auto_merge_enabled",
            "auto_merge_disabled",
            "milestoned",
            "demilestoned",
            "enqueued",
            "dequeued");
    /** Events Forge starts runs for (GitHub's names and Forge's own). */
    private static final Set<String> EVENTS = WorkflowCompiler.ordered(
            "push", "pull_request", "workflow_dispatch", "schedule", "patch", "manual", "workflow_call");
    /** GitHub's other events: accepted (a workflow may list them), but nothing on Radicle sends them. */
    private static final Set<String> GITHUB_ONLY_EVENTS = WorkflowCompiler.ordered(
            "branch_protection_rule",
            "check_run",
            "check_suite",
            "create",
            "delete",
            "deployment",
            "deployment_status",
            "discussion",
            "discussion_comment",
            "fork",
            "gollum",
            "issue_comment",
            "issues",
            "label",
            "merge_group",
            "milestone",
            "page_build",
            "project",
            "project_card",
            "project_column",
            "public",
            "pull_request_review",
            "pull_request_review_comment",
            "pull_request_target",
            "registry_package",
            "release",
            "repository_dispatch",
            "status",
            "watch",
            "workflow_run");

    /**
     * What {@code on} says. {@code callable} is null unless the workflow can be called; its outputs are
     * still nodes ({@code callOutputs}), checked once the jobs they read are known.
     */
    record On(Triggers triggers, Callable callable, Map<String, Entry> callOutputs) {}

    private final YamlSource yaml;
    private final Diagnostics diagnostics;
    private Callable callable;
    private final Map<String, Entry> callOutputs = new LinkedHashMap<>();

    TriggersReader(YamlSource yaml, Diagnostics diagnostics) {
        this.yaml = yaml;
        this.diagnostics = diagnostics;
    }

    On read(Entry entry) {
        Triggers triggers = triggers(entry);
        return new On(triggers, callable, Collections.unmodifiableMap(callOutputs));
    }

    private Triggers triggers(Entry entry) {
        Node value = entry.value();
        List<Entry> events = new ArrayList<>();
        if (value instanceof ScalarNode scalar && !YamlSource.isNull(scalar)) {
            events.add(new Entry(scalar, null));
        } else if (value instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                yaml.visit(item);
                if (item instanceof ScalarNode scalar) {
                    events.add(new Entry(scalar, null));
                } else {
                    diagnostics.error(
                            item,
                            "each event in `on` must be a name (push, pull_request, workflow_dispatch, …), not "
                                    + YamlSource.describe(item));
                }
            }
        } else if (value instanceof MappingNode mapping) {
            events.addAll(yaml.keys(mapping, null, "in `on`", "event").values());
        }
        if (events.isEmpty()) {
            diagnostics.error(
                    entry.key(), "`on` names no event: use push, pull_request, workflow_dispatch or schedule");
        }
        PushFilter push = null;
        PullRequestFilter pullRequest = null;
        List<DispatchInput> dispatchInputs = List.of();
        boolean dispatch = false;
        List<Cron> schedules = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>(EVENTS);
        all.addAll(GITHUB_ONLY_EVENTS);
        for (Entry event : events) {
            switch (event.name()) {
                case "push" -> push = push(event);
                case "pull_request" -> pullRequest = pullRequest(event);
                case "patch" -> {
                    noOptions(event);
                    pullRequest = PullRequestFilter.ANY;
                }
                case "workflow_dispatch" -> {
                    dispatch = true;
                    dispatchInputs = dispatch(event);
                }
                case "manual" -> {
                    noOptions(event);
                    dispatch = true;
                }
                case "schedule" -> schedules.addAll(schedule(event));
                case "workflow_call" -> callable = workflowCall(event);
                default -> {
                    if (GITHUB_ONLY_EVENTS.contains(event.name())) {
                        diagnostics.warning(
                                event.key(),
                                "nothing on Radicle sends `" + event.name() + "` events, so this workflow "
                                        + "never runs on them");
                    } else {
                        yaml.unknownKey(event.key(), all, "in `on`", "event", Map.of());
                    }
                }
            }
        }
        return new Triggers(push, pullRequest, dispatchInputs, dispatch, List.copyOf(schedules));
    }

    private PushFilter push(Entry event) {
        Map<String, Entry> keys =
                options(event, PUSH_KEYS, "`on.push` must be a mapping (for example `branches: [main]`)");
        if (keys == null) {
            return PushFilter.ANY;
        }
        exclusive(keys, "branches", "branches-ignore", "on.push");
        exclusive(keys, "tags", "tags-ignore", "on.push");
        exclusive(keys, "paths", "paths-ignore", "on.push");
        return new PushFilter(
                patterns(keys, "branches", "on.push"),
                patterns(keys, "branches-ignore", "on.push"),
                patterns(keys, "tags", "on.push"),
                patterns(keys, "tags-ignore", "on.push"),
                patterns(keys, "paths", "on.push"),
                patterns(keys, "paths-ignore", "on.push"));
    }

    private PullRequestFilter pullRequest(Entry event) {
        Map<String, Entry> keys = options(
                event, PULL_REQUEST_KEYS, "`on.pull_request` must be a mapping (for example " + "`branches: [main]`)");
        if (keys == null) {
            return PullRequestFilter.ANY;
        }
        exclusive(keys, "branches", "branches-ignore", "on.pull_request");
        exclusive(keys, "paths", "paths-ignore", "on.pull_request");
        Set<String> types = PullRequestFilter.DEFAULT_TYPES;
        if (keys.containsKey("types")) {
            types = new LinkedHashSet<>();
            for (String type : yaml.textList(keys.get("types"), "`on.pull_request.types`")) {
                if (!PULL_REQUEST_TYPES.contains(type)) {
                    yaml.unknownKey(
                            new ScalarNode(
                                    Tag.STR,
                                    type,
                                    keys.get("types").value().getStartMark(),
                                    keys.get("types").value().getEndMark(),
                                    null),
                            PULL_REQUEST_TYPES,
                            "in `on.pull_request.types`",
                            "type",
                            Map.of());
                }
                types.add(type);
            }
            if (types.stream().noneMatch(PullRequestFilter.DEFAULT_TYPES::contains)) {
                diagnostics.warning(
                        keys.get("types").key(),
                        "a Radicle patch is opened or updated (synchronize); the types " + types
                                + " never happen here");
            }
        }
        return new PullRequestFilter(
                patterns(keys, "branches", "on.pull_request"),
                patterns(keys, "branches-ignore", "on.pull_request"),
                patterns(keys, "paths", "on.pull_request"),
                patterns(keys, "paths-ignore", "on.pull_request"),
                Set.copyOf(types));
    }

    private List<DispatchInput> dispatch(Entry event) {
        Map<String, Entry> keys =
                options(event, DISPATCH_KEYS, "`on.workflow_dispatch` must be a mapping (with `inputs`)");
        if (keys == null
                || !keys.containsKey("inputs")
                || YamlSource.isNull(keys.get("inputs").value())) {
            return List.of();
        }
        MappingNode mapping = yaml.mapping(
                keys.get("inputs").value(),
                "`on.workflow_dispatch.inputs` must be a mapping of input names "
                        + "to their description, type and default");
        if (mapping == null) {
            return List.of();
        }
        List<DispatchInput> inputs = new ArrayList<>();
        for (Entry input : yaml.keys(mapping, null, "in `on.workflow_dispatch.inputs`", "input")
                .values()) {
            String where = "input `" + YamlSource.abbreviate(input.name()) + "`";
            if (!WorkflowCompiler.OUTPUT_NAME.matcher(input.name()).matches()) {
                diagnostics.error(
                        input.key(),
                        where + " must be named with letters, digits, `-` and `_`, starting with a letter or `_`");
            }
            Map<String, Entry> fields = YamlSource.isNull(input.value())
                    ? Map.of()
                    : Optional.ofNullable(yaml.mapping(
                                    input.value(), where + " must be a mapping with `description`, `type`, `default`"))
                            .map(m -> yaml.keys(m, INPUT_KEYS, "in " + where, "key"))
                            .orElse(Map.of());
            String type =
                    fields.containsKey("type") ? yaml.requiredText(fields.get("type"), "`type` of " + where) : "string";
            if (type != null && !DispatchInput.TYPES.contains(type)) {
                diagnostics.error(
                        fields.get("type").value(),
                        "`type` of " + where + " must be one of " + String.join(", ", DispatchInput.TYPES) + ", not `"
                                + YamlSource.abbreviate(type) + "`");
            }
            List<String> options = fields.containsKey("options")
                    ? yaml.textList(fields.get("options"), "`options` of " + where)
                    : List.of();
            if ("choice".equals(type) && options.isEmpty()) {
                diagnostics.error(input.key(), where + " is a choice without `options`");
            }
            String defaultValue =
                    fields.containsKey("default") ? yaml.text(fields.get("default"), "`default` of " + where) : null;
            if ("choice".equals(type)
                    && defaultValue != null
                    && !defaultValue.isEmpty()
                    && !options.contains(defaultValue)) {
                diagnostics.error(
                        fields.get("default").value(),
                        "the default of " + where + " is not one of its options " + options);
            }
            boolean required =
                    fields.containsKey("required") && YamlSource.isTrue(YamlSource.scalar(fields.get("required")));
            String description =
                    fields.containsKey("description") ? yaml.text(fields.get("description"), "`description`") : null;
            inputs.add(new DispatchInput(
                    input.name(), description, type == null ? "string" : type, required, defaultValue, options));
        }
        return inputs;
    }

    private List<Cron> schedule(Entry event) {
        SequenceNode list = event.value() == null
                ? null
                : yaml.sequence(event.value(), "`on.schedule` must be a list of `- cron: '…'` entries");
        if (list == null) {
            if (event.value() == null) {
                diagnostics.error(event.key(), "`schedule` needs its times: `schedule: [{cron: '30 5 * * 1'}]`");
            }
            return List.of();
        }
        List<Cron> schedules = new ArrayList<>();
        for (Node item : list.getValue()) {
            MappingNode mapping = yaml.mapping(item, "each entry of `on.schedule` must be a mapping with `cron`");
            if (mapping == null) {
                continue;
            }
            Map<String, Entry> keys = yaml.keys(mapping, WorkflowCompiler.ordered("cron"), "in `on.schedule`", "key");
            if (!keys.containsKey("cron")) {
                diagnostics.error(mapping, "an entry of `on.schedule` needs `cron`");
                continue;
            }
            String cron = yaml.requiredText(keys.get("cron"), "`cron`");
            if (cron != null) {
                try {
                    schedules.add(Cron.parse(cron));
                } catch (Cron.CronException e) {
                    diagnostics.error(keys.get("cron").value(), "`cron`: " + e.getMessage());
                }
            }
        }
        return schedules;
    }

    private Map<String, Entry> options(Entry event, Set<String> allowed, String sentence) {
        if (event.value() == null || YamlSource.isNull(event.value())) {
            return null;
        }
        MappingNode mapping = yaml.mapping(event.value(), sentence);
        return mapping == null ? null : yaml.keys(mapping, allowed, "in `on." + event.name() + "`", "key");
    }

    private void exclusive(Map<String, Entry> keys, String filter, String ignore, String where) {
        if (keys.containsKey(filter) && keys.containsKey(ignore)) {
            diagnostics.error(
                    keys.get(ignore).key(),
                    "`" + where + "` cannot have both `" + filter + "` and `" + ignore + "`: use `!` patterns in `"
                            + filter + "` to exclude");
        }
    }

    private PatternFilter patterns(Map<String, Entry> keys, String name, String where) {
        Entry entry = keys.get(name);
        if (entry == null) {
            return PatternFilter.ANY;
        }
        List<String> patterns = yaml.textList(entry, "`" + where + "." + name + "`");
        if (patterns.isEmpty()) {
            diagnostics.error(
                    entry.key(),
                    "`" + where + "." + name + "` is empty: list patterns such as `main` or `release/**`, "
                            + "or leave it out");
        }
        return new PatternFilter(patterns);
    }

    private void noOptions(Entry event) {
        if (event.value() != null && !YamlSource.isNull(event.value())) {
            if (event.value() instanceof MappingNode mapping) {
                yaml.keys(mapping, Set.of(), "in `on." + event.name() + "`", "key");
            } else {
                diagnostics.error(event.value(), "`on." + event.name() + "` takes no options");
            }
        }
    }

    /** {@code on.workflow_call}: its inputs and secrets now; its outputs once the jobs they read are known. */
    private Callable workflowCall(Entry event) {
        Map<String, Entry> keys = options(
                event,
                WORKFLOW_CALL_KEYS,
                "`on.workflow_call` must be a mapping (with `inputs`, " + "`outputs`, `secrets`)");
        Map<String, Callable.Input> declared = new LinkedHashMap<>();
        Map<String, Boolean> secrets = new LinkedHashMap<>();
        if (keys == null) {
            return new Callable(declared, Map.of(), secrets);
        }
        for (Entry input : declarations(keys.get("inputs"), "inputs")) {
            String where = "input `" + YamlSource.abbreviate(input.name()) + "` of `on.workflow_call`";
            Map<String, Entry> fields = yaml.fields(input, CALL_INPUT_KEYS, where);
            String type =
                    fields.containsKey("type") ? yaml.requiredText(fields.get("type"), "`type` of " + where) : null;
            if (type == null) {
                diagnostics.error(input.key(), where + " needs a `type`: boolean, number or string");
            } else if (!CALL_INPUT_TYPES.contains(type)) {
                diagnostics.error(
                        fields.get("type").value(),
                        "`type` of " + where + " must be boolean, number or string, not `" + YamlSource.abbreviate(type)
                                + "`");
            }
            JsonNode defaultValue = fields.containsKey("default")
                    ? yaml.json(fields.get("default").value())
                    : null;
            if (defaultValue != null && !(fields.get("default").value() instanceof ScalarNode)) {
                diagnostics.error(
                        fields.get("default").value(),
                        "the default of " + where + " must be a string, number or boolean");
            }
            boolean required =
                    fields.containsKey("required") && YamlSource.isTrue(YamlSource.scalar(fields.get("required")));
            declared.put(
                    input.name(),
                    new Callable.Input(
                            type == null ? "string" : type,
                            required,
                            defaultValue == null || defaultValue.isNull() ? null : defaultValue));
        }
        for (Entry output : declarations(keys.get("outputs"), "outputs")) {
            callOutputs.put(output.name(), output);
        }
        for (Entry secret : declarations(keys.get("secrets"), "secrets")) {
            Map<String, Entry> fields =
                    yaml.fields(secret, CALL_SECRET_KEYS, "secret `" + secret.name() + "` of `on.workflow_call`");
            secrets.put(
                    secret.name(),
                    fields.containsKey("required") && YamlSource.isTrue(YamlSource.scalar(fields.get("required"))));
        }
        return new Callable(declared, Map.of(), secrets);
    }

    private List<Entry> declarations(Entry entry, String kind) {
        if (entry == null || YamlSource.isNull(entry.value())) {
            return List.of();
        }
        MappingNode mapping = yaml.mapping(
                entry.value(), "`on.workflow_call." + kind + "` must be a mapping of names to their " + "declarations");
        if (mapping == null) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(yaml.keys(mapping, null, "in `on.workflow_call." + kind + "`", "name")
                .values());
        for (Entry declared : entries) {
            if (!WorkflowCompiler.OUTPUT_NAME.matcher(declared.name()).matches()) {
                diagnostics.error(
                        declared.key(),
                        "`" + YamlSource.abbreviate(declared.name()) + "` in `on.workflow_call." + kind
                                + "` must be named with letters, digits, `-` and `_`, starting with a letter or `_`");
            }
        }
        return entries;
    }
}
