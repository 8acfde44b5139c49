package dev.forgeci.trigger.workflow;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a workflow file (the seed's single-job format or the GitHub-Actions-shaped subset) into a
 * {@link Workflow} with every default filled in, or reports every problem with file, line, column and
 * a sentence. The YAML is only composed into nodes (never constructed into objects), and the walk
 * follows the workflow schema, so anchors and aliases are shared, not copied: a file with too many
 * collection aliases, or whose aliases would expand past {@link #MAX_NODES}, is rejected unexpanded.
 */
public final class WorkflowParser {

    public static final int MAX_FILE_BYTES = 256 * 1024;
    public static final int MAX_JOBS = 100;
    public static final int MAX_STEPS_PER_JOB = 200;
    public static final int MAX_COLLECTION_ALIASES = 50;
    public static final int MAX_NODES = 50_000;
    public static final int DEFAULT_TIMEOUT_MINUTES = 60;
    public static final int MAX_TIMEOUT_MINUTES = 4320;
    /** The job id the seed's single-job format (top-level {@code steps}) becomes. */
    public static final String SINGLE_JOB_ID = "build";

    private static final Set<String> WORKFLOW_KEYS = keys("name", "on", "env", "secrets", "concurrency", "defaults", "jobs", "steps");
    private static final Set<String> JOB_KEYS = keys("name", "needs", "if", "timeout-minutes", "continue-on-error", "env", "secrets",
            "defaults", "steps", "runs-on");
    private static final Set<String> STEP_KEYS = keys("name", "run", "shell", "working-directory", "env", "timeout-minutes",
            "continue-on-error", "if");
    private static final Set<String> EVENTS = keys("push", "patch", "manual");
    private static final Set<String> PUSH_KEYS = keys("branches");
    private static final Set<String> NO_KEYS = Set.of();
    private static final Set<String> CONCURRENCY_KEYS = keys("group", "cancel-in-progress");
    private static final Set<String> DEFAULTS_KEYS = keys("run");
    private static final Set<String> RUN_DEFAULTS_KEYS = keys("shell", "working-directory");

    /** Names from GitHub Actions that mean something else here, with the sentence that says what. */
    private static final Map<String, String> FOREIGN_KEYS = Map.of(
            "uses", "`uses` (marketplace actions) is not supported: write the command to execute in `run`",
            "with", "`with` belongs to `uses` (marketplace actions), which is not supported: write the command in `run`",
            "workflow_dispatch", "`workflow_dispatch` is GitHub's name; here it is `manual`",
            "pull_request", "`pull_request` is GitHub's name; a Radicle patch is `patch`",
            "pull_request_target", "`pull_request_target` is GitHub's name; a Radicle patch is `patch`");

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
    private static final String CONDITION_SENTENCE = "must be one of success(), failure(), always() or cancelled(), "
            + "optionally inside ${{ }}";

    /** Parses one file; {@code file} is the path shown in errors and carried on the run. */
    public Workflow parse(String file, String text) {
        Parse parse = new Parse(file);
        Workflow workflow = parse.run(text);
        if (!parse.errors.isEmpty()) {
            parse.errors.sort(Comparator.comparingInt(WorkflowError::line).thenComparingInt(WorkflowError::column));
            throw new WorkflowInvalidException(parse.errors);
        }
        return workflow;
    }

    /** The error for a file over {@link #MAX_FILE_BYTES}, which is not even read. */
    public static WorkflowError tooLarge(String file, long bytes) {
        return new WorkflowError(file, 1, 1, "the file is " + (bytes + 1023) / 1024 + " KiB; a workflow file may be at most "
                + MAX_FILE_BYTES / 1024 + " KiB");
    }

    private static Set<String> keys(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** A key and its value, as written. */
    private record Entry(ScalarNode key, Node value) {
        String name() {
            return key.getValue();
        }
    }

    /** {@code defaults.run}: what a step gets when it sets no shell or working directory. */
    private record RunDefaults(String shell, String workingDirectory) {
        static final RunDefaults BUILT_IN = new RunDefaults("bash", "");
    }

    /** A {@code needs} entry, kept with its node so an unknown id or a cycle is reported where it is written. */
    private record Need(String job, String needed, Node node) {
    }

    /** Raised when going on would only produce noise or unbounded work; the reason is already recorded. */
    private static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    private static final class Parse {

        private final String file;
        private final List<WorkflowError> errors = new ArrayList<>();
        private final List<Need> needs = new ArrayList<>();
        private int visited;

        Parse(String file) {
            this.file = file;
        }

        Workflow run(String text) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_FILE_BYTES) {
                errors.add(tooLarge(file, bytes));
                return null;
            }
            try {
                Node root = compose(text);
                if (root == null || isNull(root)) {
                    error(1, 1, "the file is empty: a workflow needs `jobs` (or, in the single-job format, `steps`)");
                    return null;
                }
                return workflow(root);
            } catch (Abort reported) {
                return null;
            }
        }

        // ------------------------------------------------------------------------------------------
        // YAML

        private Node compose(String text) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported below, with both places
            options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
            options.setAllowRecursiveKeys(false);
            options.setNestingDepthLimit(64);
            options.setCodePointLimit(MAX_FILE_BYTES + 1);
            options.setMergeOnCompose(true);
            try {
                return new Yaml(options).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String problem = e.getProblem() == null ? "the text is not valid YAML" : e.getProblem();
                if (problem.contains("(TAB)")) {
                    problem = "a tab character cannot start a token (indent with spaces, not tabs)";
                }
                error(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                        "YAML syntax error: " + problem + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
                throw new Abort();
            } catch (YAMLException e) {
                if (String.valueOf(e.getMessage()).startsWith("Number of aliases")) {
                    Mark mark = excessiveAlias(text);
                    error(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1,
                            "the file refers to lists or mappings through aliases more than " + MAX_COLLECTION_ALIASES
                                    + " times; it was rejected without expanding them (a \"billion laughs\" file would "
                                    + "exhaust the server)");
                } else {
                    error(1, 1, "the text is not valid YAML: " + e.getMessage());
                }
                throw new Abort();
            }
        }

        /** Where the first alias over the limit stands, found by replaying the parser's events. */
        private static Mark excessiveAlias(String text) {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(MAX_FILE_BYTES + 1);
            Set<String> collectionAnchors = new HashSet<>();
            int aliases = 0;
            try {
                for (Event event : new Yaml(options).parse(new StringReader(text))) {
                    if (event instanceof CollectionStartEvent start && start.getAnchor() != null) {
                        collectionAnchors.add(start.getAnchor());
                    } else if (event instanceof AliasEvent alias && collectionAnchors.contains(alias.getAnchor())
                            && ++aliases > MAX_COLLECTION_ALIASES) {
                        return alias.getStartMark();
                    }
                }
            } catch (YAMLException unexpected) {
                return null;
            }
            return null;
        }

        // ------------------------------------------------------------------------------------------
        // The schema

        private Workflow workflow(Node root) {
            MappingNode top = mapping(root, "a workflow file must be a mapping with `name` and `jobs` (or `steps`)");
            if (top == null) {
                throw new Abort();
            }
            Map<String, Entry> keys = keys(top, WORKFLOW_KEYS, "at the top level of the workflow", "key");
            String name = Optional.ofNullable(keys.get("name")).map(e -> requiredText(e, "the workflow's `name`"))
                    .orElse(defaultName(file));
            Triggers on = keys.containsKey("on") ? triggers(keys.get("on")) : Triggers.DEFAULT;
            Map<String, String> env = env(keys.get("env"), "the workflow");
            List<String> secrets = secrets(keys.get("secrets"), "the workflow");
            RunDefaults defaults = defaults(keys.get("defaults"), RunDefaults.BUILT_IN, "the workflow");
            String group = null;
            boolean cancelInProgress = false;
            Entry concurrency = keys.get("concurrency");
            if (concurrency != null) {
                if (concurrency.value() instanceof MappingNode mapping) {
                    Map<String, Entry> c = keys(mapping, CONCURRENCY_KEYS, "in `concurrency`", "key");
                    if (!c.containsKey("group")) {
                        error(mapping, "`concurrency` needs a `group`");
                    } else {
                        group = group(c.get("group"));
                    }
                    cancelInProgress = bool(c.get("cancel-in-progress"), false, "`concurrency.cancel-in-progress`");
                } else {
                    group = group(concurrency);
                }
            }

            Entry jobsEntry = keys.get("jobs");
            Entry stepsEntry = keys.get("steps");
            List<Job> jobs = List.of();
            if (jobsEntry != null && stepsEntry != null) {
                error(stepsEntry.key(), "use either `jobs` or top-level `steps` (the single-job format), not both");
            } else if (jobsEntry != null) {
                jobs = jobs(jobsEntry, env, secrets, defaults);
            } else if (stepsEntry != null) {
                List<Step> steps = steps(stepsEntry, SINGLE_JOB_ID, DEFAULT_TIMEOUT_MINUTES, defaults);
                jobs = List.of(new Job(SINGLE_JOB_ID, SINGLE_JOB_ID, List.of(), "success", DEFAULT_TIMEOUT_MINUTES, false,
                        env, secrets, steps));
            } else {
                error(top, "the workflow has no `jobs` (or, in the single-job format, no `steps`): there is nothing to run");
            }
            checkNeeds(jobs);
            return new Workflow(name, file, on, group, cancelInProgress, jobs);
        }

        private List<Job> jobs(Entry entry, Map<String, String> workflowEnv, List<String> workflowSecrets, RunDefaults defaults) {
            MappingNode mapping = mapping(entry.value(), "`jobs` must be a mapping from job ids to jobs");
            if (mapping == null) {
                return List.of();
            }
            if (mapping.getValue().size() > MAX_JOBS) {
                error(entry.key(), "the workflow has " + mapping.getValue().size() + " jobs; at most " + MAX_JOBS + " are allowed");
                throw new Abort();
            }
            Map<String, Entry> byId = keys(mapping, null, "in `jobs`", "job id");
            if (byId.isEmpty()) {
                error(entry.key(), "`jobs` is empty: define at least one job with `steps`");
            }
            List<Job> jobs = new ArrayList<>();
            for (Entry job : byId.values()) {
                if (!JOB_ID.matcher(job.name()).matches()) {
                    error(job.key(), "job id `" + job.name() + "` must start with a letter or `_` and contain only letters, "
                            + "digits, `-` and `_` (at most 100 characters)");
                }
                Job parsed = job(job, workflowEnv, workflowSecrets, defaults);
                if (parsed != null) {
                    jobs.add(parsed);
                }
            }
            return jobs;
        }

        private Job job(Entry entry, Map<String, String> workflowEnv, List<String> workflowSecrets, RunDefaults workflowDefaults) {
            String id = entry.name();
            String where = "job `" + id + "`";
            if (!(entry.value() instanceof MappingNode mapping)) {
                error(entry.value(), where + " must be a mapping with `steps`, not " + describe(entry.value()));
                return null;
            }
            Map<String, Entry> keys = keys(mapping, JOB_KEYS, "in " + where, "key");
            String name = Optional.ofNullable(keys.get("name")).map(e -> requiredText(e, "`name` of " + where)).orElse(id);
            List<String> needed = needs(keys.get("needs"), id);
            String condition = condition(keys.get("if"), where);
            int timeout = minutes(keys.get("timeout-minutes"), DEFAULT_TIMEOUT_MINUTES, where);
            boolean continueOnError = bool(keys.get("continue-on-error"), false, "`continue-on-error` of " + where);
            Map<String, String> env = new LinkedHashMap<>(workflowEnv);
            env.putAll(env(keys.get("env"), where));
            Set<String> secrets = new LinkedHashSet<>(workflowSecrets);
            secrets.addAll(secrets(keys.get("secrets"), where));
            RunDefaults defaults = defaults(keys.get("defaults"), workflowDefaults, where);
            List<Step> steps;
            if (keys.containsKey("steps")) {
                steps = steps(keys.get("steps"), id, timeout, defaults);
            } else {
                error(entry.key(), where + " has no `steps`: add at least one step with `run`");
                steps = List.of();
            }
            return new Job(id, name, needed, condition, timeout, continueOnError, env, List.copyOf(secrets), steps);
        }

        private List<Step> steps(Entry entry, String jobId, int jobTimeout, RunDefaults defaults) {
            String where = "job `" + jobId + "`";
            SequenceNode sequence = sequence(entry.value(), "`steps` of " + where + " must be a list of steps");
            if (sequence == null) {
                return List.of();
            }
            int count = sequence.getValue().size();
            if (count == 0) {
                error(entry.key(), where + " has no steps: add at least one step with `run`");
            } else if (count > MAX_STEPS_PER_JOB) {
                error(entry.key(), where + " has " + count + " steps; at most " + MAX_STEPS_PER_JOB + " are allowed per job");
                return List.of();
            }
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Step step = step(sequence.getValue().get(i), i, jobId, jobTimeout, defaults);
                if (step != null) {
                    steps.add(step);
                }
            }
            return steps;
        }

        /** {@code index} counts from 0, as on the wire; messages count from 1, as people do. */
        private Step step(Node node, int index, String jobId, int jobTimeout, RunDefaults defaults) {
            visit(node);
            String where = "step " + (index + 1) + " of job `" + jobId + "`";
            if (!(node instanceof MappingNode mapping)) {
                error(node, where + " must be a mapping with `run`, not " + describe(node));
                return null;
            }
            Map<String, Entry> keys = keys(mapping, STEP_KEYS, "in " + where, "key");
            Entry runEntry = keys.get("run");
            String run = null;
            if (runEntry == null) {
                if (!keys.containsKey("uses")) {
                    error(mapping, where + " has no `run`: every step needs a command to execute");
                }
            } else {
                run = requiredText(runEntry, "`run` of " + where);
            }
            String name = Optional.ofNullable(keys.get("name")).map(e -> requiredText(e, "`name` of " + where))
                    .orElse(run == null ? "step " + (index + 1) : firstLine(run));
            String shell = keys.containsKey("shell") ? shell(keys.get("shell"), where) : defaults.shell();
            String workingDirectory = keys.containsKey("working-directory")
                    ? text(keys.get("working-directory"), "`working-directory` of " + where)
                    : defaults.workingDirectory();
            Map<String, String> env = env(keys.get("env"), where);
            int timeout = minutes(keys.get("timeout-minutes"), jobTimeout, where);
            boolean continueOnError = bool(keys.get("continue-on-error"), false, "`continue-on-error` of " + where);
            String condition = condition(keys.get("if"), where);
            return new Step(index, name, run, shell, workingDirectory, env, timeout, continueOnError, condition);
        }

        private Triggers triggers(Entry entry) {
            Node value = entry.value();
            BranchFilter push = null;
            boolean patch = false;
            boolean manual = false;
            List<Entry> events = new ArrayList<>();
            if (value instanceof ScalarNode scalar && !isNull(scalar)) {
                events.add(new Entry(scalar, null));
            } else if (value instanceof SequenceNode sequence) {
                for (Node item : sequence.getValue()) {
                    visit(item);
                    if (item instanceof ScalarNode scalar) {
                        events.add(new Entry(scalar, null));
                    } else {
                        error(item, "each event in `on` must be a name (push, patch or manual), not " + describe(item));
                    }
                }
            } else if (value instanceof MappingNode mapping) {
                events.addAll(keys(mapping, null, "in `on`", "event").values());
            }
            if (events.isEmpty()) {
                error(entry.key(), "`on` names no event: use push, patch and/or manual, or leave `on` out to run on all three");
            }
            for (Entry event : events) {
                switch (event.name()) {
                    case "push" -> push = pushFilter(event);
                    case "patch" -> {
                        noOptions(event);
                        patch = true;
                    }
                    case "manual" -> {
                        noOptions(event);
                        manual = true;
                    }
                    default -> unknownKey(event.key(), EVENTS, "in `on`", "event");
                }
            }
            return new Triggers(push, patch, manual);
        }

        private BranchFilter pushFilter(Entry event) {
            if (event.value() == null || isNull(event.value())) {
                return BranchFilter.ANY;
            }
            if (!(event.value() instanceof MappingNode mapping)) {
                error(event.value(), "`on.push` must be a mapping (for example `branches: [main]`), not " + describe(event.value()));
                return BranchFilter.ANY;
            }
            Map<String, Entry> keys = keys(mapping, PUSH_KEYS, "in `on.push`", "key");
            Entry branches = keys.get("branches");
            if (branches == null) {
                return BranchFilter.ANY;
            }
            List<String> patterns = textList(branches, "`on.push.branches`");
            if (patterns.isEmpty()) {
                error(branches.key(), "`on.push.branches` is empty: list branch patterns such as `main` or `release/**`, "
                        + "or leave it out to run on every branch");
            }
            return new BranchFilter(patterns);
        }

        private void noOptions(Entry event) {
            if (event.value() != null && !isNull(event.value())) {
                if (event.value() instanceof MappingNode mapping) {
                    keys(mapping, NO_KEYS, "in `on." + event.name() + "`", "key");
                } else {
                    error(event.value(), "`on." + event.name() + "` takes no options");
                }
            }
        }

        private RunDefaults defaults(Entry entry, RunDefaults inherited, String where) {
            if (entry == null) {
                return inherited;
            }
            MappingNode mapping = mapping(entry.value(), "`defaults` of " + where + " must be a mapping with `run`");
            Map<String, Entry> keys = mapping == null ? Map.of() : keys(mapping, DEFAULTS_KEYS, "in `defaults` of " + where, "key");
            MappingNode run = keys.containsKey("run")
                    ? mapping(keys.get("run").value(), "`defaults.run` of " + where + " must be a mapping")
                    : null;
            if (run == null) {
                return inherited;
            }
            Map<String, Entry> runKeys = keys(run, RUN_DEFAULTS_KEYS, "in `defaults.run` of " + where, "key");
            String shell = runKeys.containsKey("shell") ? shell(runKeys.get("shell"), "`defaults.run` of " + where) : inherited.shell();
            String workingDirectory = runKeys.containsKey("working-directory")
                    ? text(runKeys.get("working-directory"), "`defaults.run.working-directory` of " + where)
                    : inherited.workingDirectory();
            return new RunDefaults(shell, workingDirectory);
        }

        private String group(Entry entry) {
            String group = requiredText(entry, "`concurrency.group`");
            if (group == null) {
                return null;
            }
            List<String> unsupported = Expressions.unsupportedInGroup(group);
            if (!unsupported.isEmpty()) {
                error(entry.value(), "`concurrency.group` can only use ${{ forge.repository }}, ${{ forge.ref }} and "
                        + "${{ forge.workflow }}; `" + unsupported.get(0) + "` is not one of them");
            }
            return group;
        }

        private List<String> needs(Entry entry, String jobId) {
            if (entry == null) {
                return List.of();
            }
            List<String> needed = new ArrayList<>();
            List<Node> nodes = entry.value() instanceof SequenceNode sequence ? sequence.getValue() : List.of(entry.value());
            for (Node node : nodes) {
                visit(node);
                if (node instanceof ScalarNode scalar && !isNull(scalar)) {
                    if (!needed.contains(scalar.getValue())) {
                        needed.add(scalar.getValue());
                        needs.add(new Need(jobId, scalar.getValue(), scalar));
                    }
                } else {
                    error(node, "`needs` of job `" + jobId + "` must name jobs (a job id or a list of them), not " + describe(node));
                }
            }
            return needed;
        }

        /** Unknown ids and cycles, each reported where the offending {@code needs} entry is written. */
        private void checkNeeds(List<Job> jobs) {
            Map<String, Job> byId = new LinkedHashMap<>();
            jobs.forEach(j -> byId.put(j.id(), j));
            for (Need need : needs) {
                if (need.job().equals(need.needed())) {
                    error(need.node(), "job `" + need.job() + "` needs itself");
                } else if (!byId.containsKey(need.needed())) {
                    error(need.node(), "job `" + need.job() + "` needs `" + need.needed() + "`, which is not a job of this workflow"
                            + suggestion(need.needed(), byId.keySet()).map(s -> " (did you mean `" + s + "`?)").orElse(""));
                }
            }
            Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
            for (String id : byId.keySet()) {
                findCycle(id, byId, state, new ArrayDeque<>());
            }
        }

        private void findCycle(String id, Map<String, Job> byId, Map<String, Integer> state, Deque<String> path) {
            if (state.getOrDefault(id, 0) == 2) {
                return;
            }
            state.put(id, 1);
            path.addLast(id);
            for (String next : byId.get(id).needs()) {
                if (next.equals(id) || !byId.containsKey(next)) {
                    continue;
                }
                if (state.getOrDefault(next, 0) == 1) {
                    List<String> cycle = new ArrayList<>(path);
                    cycle = cycle.subList(cycle.indexOf(next), cycle.size());
                    cycle.add(next);
                    Node at = needs.stream().filter(n -> n.job().equals(id) && n.needed().equals(next)).findFirst().orElseThrow().node();
                    error(at, "jobs form a cycle through `needs`: " + String.join(" → ", cycle.stream().map(j -> "`" + j + "`").toList())
                            + "; no job of it could ever start");
                } else {
                    findCycle(next, byId, state, path);
                }
            }
            path.removeLast();
            state.put(id, 2);
        }

        // ------------------------------------------------------------------------------------------
        // Values

        private Map<String, String> env(Entry entry, String where) {
            if (entry == null || isNull(entry.value())) {
                return Map.of();
            }
            MappingNode mapping = mapping(entry.value(), "`env` of " + where + " must be a mapping of variable names to values");
            if (mapping == null) {
                return Map.of();
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (Entry variable : keys(mapping, null, "in `env` of " + where, "variable").values()) {
                if (!ENV_NAME.matcher(variable.name()).matches()) {
                    error(variable.key(), "`" + variable.name() + "` in `env` of " + where + " is not a valid variable name "
                            + "(letters, digits and `_`, not starting with a digit)");
                }
                String value = text(variable, "`env." + variable.name() + "` of " + where);
                env.put(variable.name(), value == null ? "" : value);
            }
            return env;
        }

        private List<String> secrets(Entry entry, String where) {
            if (entry == null) {
                return List.of();
            }
            List<String> names = textList(entry, "`secrets` of " + where);
            SequenceNode sequence = entry.value() instanceof SequenceNode s ? s : null;
            for (int i = 0; i < names.size(); i++) {
                if (!SECRET_NAME.matcher(names.get(i)).matches()) {
                    error(sequence == null ? entry.value() : sequence.getValue().get(i), "secret name `" + names.get(i) + "` in "
                            + where + " must be upper case letters, digits and `_`, not starting with a digit (for example NPM_TOKEN)");
                }
            }
            return names.stream().distinct().toList();
        }

        private String shell(Entry entry, String where) {
            String shell = requiredText(entry, "`shell` of " + where);
            if (shell == null || shell.equals("bash") || shell.equals("sh") || shell.contains("{0}")) {
                return shell;
            }
            error(entry.value(), "`shell` of " + where + " must be bash, sh, or a command template containing {0} "
                    + "(for example `python3 {0}`), not `" + shell + "`");
            return shell;
        }

        private String condition(Entry entry, String where) {
            if (entry == null) {
                return "success";
            }
            String text = requiredText(entry, "`if` of " + where);
            if (text == null) {
                return "success";
            }
            Optional<String> condition = Expressions.condition(text);
            if (condition.isEmpty()) {
                error(entry.value(), "`if` of " + where + " " + CONDITION_SENTENCE + "; `" + text.strip() + "` is not supported");
                return "success";
            }
            return condition.get();
        }

        private int minutes(Entry entry, int fallback, String where) {
            if (entry == null) {
                return fallback;
            }
            String sentence = "`timeout-minutes` of " + where + " must be a whole number of minutes from 1 to " + MAX_TIMEOUT_MINUTES;
            if (entry.value() instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
                try {
                    long minutes = Long.parseLong(scalar.getValue().replace("_", ""));
                    if (minutes >= 1 && minutes <= MAX_TIMEOUT_MINUTES) {
                        return (int) minutes;
                    }
                } catch (NumberFormatException tooLargeOrNotDecimal) {
                    // reported below
                }
            }
            error(entry.value(), sentence + ", not " + describe(entry.value()));
            return fallback;
        }

        private boolean bool(Entry entry, boolean fallback, String what) {
            if (entry == null) {
                return fallback;
            }
            if (entry.value() instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
                return Set.of("true", "yes", "on", "y").contains(scalar.getValue().toLowerCase(Locale.ROOT));
            }
            error(entry.value(), what + " must be true or false, not " + describe(entry.value()));
            return fallback;
        }

        private List<String> textList(Entry entry, String what) {
            if (entry.value() instanceof ScalarNode scalar && !isNull(scalar)) {
                return List.of(scalar.getValue());
            }
            if (!(entry.value() instanceof SequenceNode sequence)) {
                error(entry.value(), what + " must be a list of names, not " + describe(entry.value()));
                return List.of();
            }
            List<String> values = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                visit(item);
                if (item instanceof ScalarNode scalar && !isNull(scalar)) {
                    values.add(scalar.getValue());
                } else {
                    error(item, "each entry of " + what + " must be a name, not " + describe(item));
                }
            }
            return values;
        }

        /** A scalar's text ({@code ""} when empty); lists and mappings are reported. */
        private String text(Entry entry, String what) {
            if (entry.value() instanceof ScalarNode scalar) {
                return isNull(scalar) ? "" : scalar.getValue();
            }
            error(entry.value(), what + " must be text, not " + describe(entry.value()));
            return null;
        }

        private String requiredText(Entry entry, String what) {
            String text = text(entry, what);
            if (text != null && text.isBlank()) {
                error(entry.value() instanceof ScalarNode s && isNull(s) ? entry.key() : entry.value(), what + " is empty");
                return null;
            }
            return text;
        }

        private MappingNode mapping(Node node, String sentence) {
            return expect(node, MappingNode.class, sentence);
        }

        private SequenceNode sequence(Node node, String sentence) {
            return expect(node, SequenceNode.class, sentence);
        }

        /** The node as that kind, or null with the sentence (plus what was found instead) reported. */
        private <T extends Node> T expect(Node node, Class<T> kind, String sentence) {
            visit(node);
            if (kind.isInstance(node)) {
                return kind.cast(node);
            }
            error(node, sentence + ", not " + describe(node));
            return null;
        }

        /**
         * The entries of a mapping by name. Duplicates and (when {@code allowed} is given) unknown keys
         * are reported; {@code noun} names what a key is here ("key", "job id", "variable").
         */
        private Map<String, Entry> keys(MappingNode mapping, Set<String> allowed, String where, String noun) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                visit(tuple.getValueNode());
                if (!(tuple.getKeyNode() instanceof ScalarNode key) || isNull(tuple.getKeyNode())) {
                    error(tuple.getKeyNode(), "a " + noun + " " + where + " must be a plain name, not " + describe(tuple.getKeyNode()));
                    continue;
                }
                Entry previous = entries.get(key.getValue());
                if (previous != null) {
                    error(key, noun + " `" + key.getValue() + "` appears twice " + where + " (first at line "
                            + (previous.key().getStartMark().getLine() + 1) + ")");
                    continue;
                }
                if (allowed != null && !allowed.contains(key.getValue())) {
                    unknownKey(key, allowed, where, noun);
                }
                entries.put(key.getValue(), new Entry(key, tuple.getValueNode()));
            }
            return entries;
        }

        private void unknownKey(ScalarNode key, Set<String> allowed, String where, String noun) {
            String name = key.getValue();
            String foreign = FOREIGN_KEYS.get(name);
            if (foreign != null) {
                error(key, foreign);
                return;
            }
            Optional<String> suggestion = suggestion(name, allowed);
            error(key, "unknown " + noun + " `" + name + "` " + where + suggestion.map(s -> " (did you mean `" + s + "`?)")
                    .orElse(allowed.isEmpty() ? "; it takes none" : "; expected one of " + String.join(", ", allowed)));
        }

        private void visit(Node node) {
            if (++visited > MAX_NODES) {
                error(node, "the workflow expands to more than " + MAX_NODES + " YAML nodes (through anchors and aliases); "
                        + "it was rejected without expanding it further");
                throw new Abort();
            }
        }

        private void error(Node node, String message) {
            Mark mark = node.getStartMark();
            error(mark.getLine() + 1, mark.getColumn() + 1, message);
        }

        private void error(int line, int column, String message) {
            errors.add(new WorkflowError(file, line, column, message));
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Helpers without state

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    private static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        ScalarNode scalar = (ScalarNode) node;
        return isNull(scalar) ? "empty" : "`" + abbreviate(scalar.getValue()) + "`";
    }

    private static String abbreviate(String text) {
        String line = firstLine(text);
        return line.length() < text.strip().length() ? line + " …" : line;
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 79) + "…" : line;
    }

    private static String defaultName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        return base.replaceFirst("\\.(ya?ml)$", "");
    }

    /** The closest allowed name: same letters in another case or with `_` for `-`, a prefix, or at most two edits away. */
    static Optional<String> suggestion(String name, Set<String> candidates) {
        String normalized = name.toLowerCase(Locale.ROOT).replace('_', '-');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(normalized) || (normalized.length() >= 4 && candidate.startsWith(normalized))) {
                return Optional.of(candidate);
            }
            int distance = distance(normalized, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= (name.length() <= 3 ? 1 : 2) ? Optional.of(best) : Optional.empty();
    }

    /** Edits (insert, delete, substitute, swap two neighbours) that turn {@code a} into {@code b}. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
