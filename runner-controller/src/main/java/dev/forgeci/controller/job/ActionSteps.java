package dev.forgeci.controller.job;

import static dev.forgeci.controller.runner.StepFiles.quote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.actions.ActionUnavailableException;
import dev.forgeci.controller.actions.FetchedAction;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerSpec;
import dev.forgeci.controller.runner.StepFiles;
import dev.forgeci.language.action.ActionMetadata;
import dev.forgeci.language.action.ActionReference;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;

/**
 * The steps that {@code uses:} an action, as GitHub's runner runs them. At set-up every action from a
 * repository is fetched (once per commit, by the {@link ActionSource}), its metadata read and its
 * files copied into the runner under {@code /forge/actions/<owner>/<repo>/<sha>}, as GitHub downloads
 * them in "Set up job"; an action that cannot be fetched or read fails the job there. An action in
 * the checkout ({@code ./path}) is read from the runner when its step runs. Each step then becomes a
 * program: a JavaScript action's {@code main} under the runner's Node.js, with its inputs as
 * {@code INPUT_<NAME>} (the {@code with:} values, else the metadata's defaults, both templates), and
 * its {@code post} kept for the end of the job. The built-in actions/checkout is the image's
 * {@code forge-checkout-action}.
 */
final class ActionSteps {

    /** Where fetched actions are copied in the runner; like GitHub's _actions directory. */
    static final String RUNNER_ACTIONS = "/forge/actions";
    /** The runner's Node.js, which runs JavaScript actions. */
    static final String NODE = "node";

    private static final long MAX_LOCAL_METADATA_BYTES = 16L << 20;

    /**
     * What a step that uses an action runs: a program (no shell between) with its environment, and
     * the post phase it leaves; or, for a composite action, its steps ({@code command} null).
     */
    record Invocation(
            List<String> command, Map<String, String> env, Phase post, Composite composite, DockerRun docker) {

        /** The program, once the step's whole environment is known: a Docker action passes each variable on by name. */
        List<String> program(Map<String, String> stepEnv) {
            return docker == null ? command : List.of("sh", "-ec", docker.script(stepEnv.keySet()));
        }
    }

    /**
     * A Docker action's container: its image (built first from {@code dockerfile} in {@code context}
     * when those are set), entrypoint and arguments, run in the job's own engine with the workspace
     * and the step's runtime files mounted where GitHub mounts them.
     */
    record DockerRun(String image, String dockerfile, String context, String entrypoint, List<String> args) {

        /** The step's script (sh): every value single-quoted, every variable passed on by name, none on the command line. */
        String script(Set<String> names) {
            StringBuilder script = new StringBuilder();
            if (dockerfile != null) {
                script.append("docker build -t ")
                        .append(quote(image))
                        .append(" -f ")
                        .append(quote(dockerfile))
                        .append(' ')
                        .append(quote(context))
                        .append('\n');
            }
            script.append("mkdir -p /forge/home\nexec docker run --rm --workdir /github/workspace");
            script.append(
                    " -v \"$GITHUB_WORKSPACE\":/github/workspace -v \"$(dirname \"$GITHUB_OUTPUT\")\":/github/file_commands");
            script.append(" -v \"$GITHUB_EVENT_PATH\":/github/workflow/event.json:ro -v /forge/home:/github/home");
            CONTAINER_PATHS.forEach((name, value) -> script.append(" -e ").append(quote(name + "=" + value)));
            for (String name : names) {
                if (!CONTAINER_PATHS.containsKey(name) && !name.equals("PATH")) {
                    script.append(" -e ").append(quote(name));
                }
            }
            if (entrypoint != null) {
                script.append(" --entrypoint ").append(quote(entrypoint));
            }
            script.append(' ').append(quote(image));
            args.forEach(arg -> script.append(' ').append(quote(arg)));
            return script.append('\n').toString();
        }
    }

    /** Where GitHub's runner puts a Docker action's files inside its container. */
    private static final Map<String, String> CONTAINER_PATHS = containerPaths();

    private static Map<String, String> containerPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("GITHUB_WORKSPACE", "/github/workspace");
        paths.put("GITHUB_OUTPUT", "/github/file_commands/output");
        paths.put("GITHUB_ENV", "/github/file_commands/env");
        paths.put("GITHUB_PATH", "/github/file_commands/path");
        paths.put("GITHUB_STEP_SUMMARY", "/github/file_commands/summary");
        paths.put("GITHUB_STATE", "/github/file_commands/state");
        paths.put("GITHUB_EVENT_PATH", "/github/workflow/event.json");
        paths.put("HOME", "/github/home");
        return paths;
    }

    /** A composite action to run: its steps, its outputs' templates, its {@code inputs} context and its directory. */
    record Composite(
            String display,
            String directory,
            List<JobDispatched.Step> steps,
            Map<String, String> outputs,
            Map<String, String> inputs,
            Map<String, String> env) {}

    /** GitHub runs composite actions nested at most this deep. */
    static final int MAX_COMPOSITE_DEPTH = 10;

    /**
     * An action's pre or post phase, a step of its own: pre before the job's steps, post after them
     * (last action first), each when its {@code condition} holds; {@code mainIndex} is the step that uses the action.
     */
    record Phase(
            String name,
            List<String> command,
            Map<String, String> env,
            String condition,
            int mainIndex,
            DockerRun docker) {

        List<String> program(Map<String, String> stepEnv) {
            return docker == null ? command : List.of("sh", "-ec", docker.script(stepEnv.keySet()));
        }
    }

    private record Prepared(
            ActionReference reference, String display, String directory, ActionMetadata metadata, String sha) {}

    private final ActionSource source;
    private final RunnerEngine engine;
    private final Runner runner;
    private final JobLog log;
    private final Map<String, Prepared> fetched = new LinkedHashMap<>();
    private final Set<String> copied = new HashSet<>();
    /** Steps whose inputs were warned of: a step with a pre phase has them evaluated twice, and said once. */
    private final Set<Integer> warnedOf = new HashSet<>();

    ActionSteps(ActionSource source, RunnerEngine engine, Runner runner, JobLog log) {
        this.source = source;
        this.engine = engine;
        this.runner = runner;
        this.log = log;
    }

    /** Fetches every repository action the steps use; the reason the job cannot run, or null. */
    String setUp(List<JobDispatched.Step> steps) {
        for (JobDispatched.Step step : steps) {
            try {
                if (step.uses() != null
                        && ActionReference.parse(step.uses()) instanceof ActionReference.Remote remote) {
                    remote(step.uses(), remote);
                }
            } catch (ActionReference.InvalidReferenceException
                    | ActionUnavailableException
                    | ActionMetadata.InvalidMetadataException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /** A repository's action: fetched, its files copied into the runner and its metadata read, once per job. */
    private Prepared remote(String uses, ActionReference.Remote remote) {
        Prepared known = fetched.get(uses);
        if (known != null) {
            return known;
        }
        FetchedAction action = source.fetch(remote);
        log.system("forge: Download action repository '" + remote.repository() + "@" + remote.ref() + "' (SHA:"
                + action.sha() + ")");
        String root = RUNNER_ACTIONS + "/" + remote.owner() + "/" + remote.repo() + "/" + action.sha();
        if (copied.add(root)) {
            try {
                engine.copyIn(runner, runnerFiles(action.tree(), root.substring(1)));
            } catch (RunnerException e) {
                copied.remove(root);
                throw new ActionUnavailableException(
                        remote.display() + " could not be copied into the runner: " + e.getMessage());
            }
        }
        String directory = remote.path().isEmpty() ? root : root + "/" + remote.path();
        ActionMetadata metadata = metadata(
                remote.display(), read(action.directory(), "action.yml"), read(action.directory(), "action.yaml"));
        Prepared prepared = new Prepared(remote, remote.display(), directory, metadata, action.sha());
        fetched.put(uses, prepared);
        return prepared;
    }

    /**
     * The program for a step that uses an action; its {@code with:} inputs and the metadata's
     * defaults are evaluated in {@code scope}. Throws {@link ActionUnavailableException} with the
     * sentence the log shows when the action cannot run.
     */
    Invocation invocation(JobDispatched.Step step, String displayName, Scope scope) {
        Map<String, String> with = new LinkedHashMap<>();
        for (Map.Entry<String, String> input :
                (step.with() == null ? Map.<String, String>of() : step.with()).entrySet()) {
            with.put(input.getKey(), Template.render(input.getValue(), scope));
        }
        ActionReference reference = ActionReference.parse(step.uses());
        if (reference instanceof ActionReference.Checkout) {
            Map<String, String> env = new LinkedHashMap<>();
            // the image's script reads them as sh variables: '-' as '_' (see forge-checkout-action)
            with.forEach(
                    (name, value) -> env.put(ActionMetadata.inputVariable(name).replace('-', '_'), value));
            return new Invocation(List.of("/usr/local/bin/forge-checkout-action"), env, null, null, null);
        }
        if (reference instanceof ActionReference.DockerImage image) {
            // GitHub's two inputs of a docker:// step; the image's own entrypoint unless one is given
            DockerRun run = new DockerRun(
                    image.image(), null, null, with.get("entrypoint"), arguments(with.getOrDefault("args", "")));
            return new Invocation(null, new LinkedHashMap<>(), null, null, run);
        }
        Prepared action = reference instanceof ActionReference.Local local
                ? local(local)
                : remote(step.uses(), (ActionReference.Remote) reference);
        Map<String, String> inputs = inputs(action, with, scope, warnedOf.add(step.index()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GITHUB_ACTION_PATH", action.directory());
        if (reference instanceof ActionReference.Remote remote) {
            env.put("GITHUB_ACTION_REPOSITORY", remote.repository());
            env.put("GITHUB_ACTION_REF", remote.ref());
        }
        ActionMetadata.Runs runs = action.metadata().runs();
        if (runs.using().equals("composite")) {
            List<JobDispatched.Step> steps = new ArrayList<>();
            for (int i = 0; i < runs.steps().size(); i++) {
                steps.add(compositeStep(step.index(), runs.steps().get(i), action.display(), i));
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            action.metadata()
                    .outputs()
                    .forEach((name, output) -> outputs.put(name, output.value() == null ? "" : output.value()));
            return new Invocation(
                    null,
                    env,
                    null,
                    new Composite(action.display(), action.directory(), steps, outputs, inputs, env),
                    null);
        }
        inputs.forEach((name, value) -> env.put(ActionMetadata.inputVariable(name), value));
        if (runs.using().equals("docker")) {
            return docker(action, runs, inputs, scope, step, displayName, env);
        }
        Phase post = runs.post() == null
                ? null
                : new Phase(
                        "Post " + displayName,
                        node(action, runs.post()),
                        env,
                        runs.postIf() == null ? "always()" : runs.postIf(),
                        step.index(),
                        null);
        return new Invocation(node(action, runs.main()), env, post, null, null);
    }

    /**
     * A Docker action: {@code image} a Dockerfile in the action (built in the job's engine, tagged
     * by where it came from) or {@code docker://image}; {@code args} and {@code env} templates with
     * the action's inputs; {@code post-entrypoint} as its post phase.
     */
    private Invocation docker(
            Prepared action,
            ActionMetadata.Runs runs,
            Map<String, String> inputs,
            Scope scope,
            JobDispatched.Step step,
            String displayName,
            Map<String, String> env) {
        Scope withInputs = withInputs(scope, inputs);
        List<String> args = new ArrayList<>();
        for (String arg : runs.args()) {
            args.add(Template.render(arg, withInputs));
        }
        runs.env().forEach((name, value) -> env.put(name, Template.render(value, withInputs)));
        String image;
        String dockerfile = null;
        if (runs.image().startsWith("docker://")) {
            image = ((ActionReference.DockerImage) ActionReference.parse(runs.image())).image();
        } else {
            String file = ((ActionReference.Local) ActionReference.parse("./" + runs.image())).path();
            dockerfile = action.directory() + "/" + file;
            image = "forge-action/"
                    + action.directory().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "") + ":latest";
        }
        DockerRun main = new DockerRun(image, dockerfile, action.directory(), runs.entrypoint(), args);
        Phase post = runs.postEntrypoint() == null
                ? null
                : new Phase(
                        "Post " + displayName,
                        null,
                        env,
                        runs.postIf() == null ? "always()" : runs.postIf(),
                        step.index(),
                        new DockerRun(image, null, null, runs.postEntrypoint(), args));
        return new Invocation(null, env, post, null, main);
    }

    /** {@code with.args} of a docker:// step, split as a shell would split words (quotes group, no expansion). */
    static List<String> arguments(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The scope with the action's {@code inputs} context. */
    private static Scope withInputs(Scope scope, Map<String, String> inputs) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        inputs.forEach(node::put);
        return scope.withContexts(Map.of("inputs", node));
    }

    /**
     * One step of a composite action as a step of the job: reported as the step that uses the
     * action ({@code index}). GitHub requires {@code shell} with {@code run} here.
     */
    @SuppressWarnings("unchecked")
    private static JobDispatched.Step compositeStep(int index, Map<String, Object> raw, String display, int position) {
        String where = "step " + (position + 1) + " of " + display;
        String run = ActionMetadata.text(raw.get("run"));
        String uses = ActionMetadata.text(raw.get("uses"));
        if ((run == null) == (uses == null)) {
            throw new ActionUnavailableException(where + " needs exactly one of `run` and `uses`");
        }
        String shell = ActionMetadata.text(raw.get("shell"));
        if (run != null && shell == null) {
            throw new ActionUnavailableException(where + ": `shell` is required with `run` in a composite action");
        }
        Map<String, String> with =
                raw.get("with") instanceof Map<?, ?> map ? ActionMetadata.strings((Map<String, Object>) map) : Map.of();
        Map<String, String> env =
                raw.get("env") instanceof Map<?, ?> map ? ActionMetadata.strings((Map<String, Object>) map) : Map.of();
        String name = ActionMetadata.text(raw.get("name"));
        String condition = ActionMetadata.text(raw.get("if"));
        Object continueOnError = raw.get("continue-on-error");
        return new JobDispatched.Step(
                index,
                ActionMetadata.text(raw.get("id")),
                name != null ? name : run != null ? run.lines().findFirst().orElse(run) : uses,
                run,
                uses,
                with,
                shell,
                ActionMetadata.text(raw.get("working-directory")),
                env,
                null,
                continueOnError == null ? null : TextNode.valueOf(String.valueOf(continueOnError)),
                condition == null ? "success()" : condition);
    }

    /** The commit a repository action fetched at set-up ran at, or null (built in, local, an image, not fetched). */
    String sha(String uses) {
        Prepared prepared = fetched.get(uses);
        return prepared == null ? null : prepared.sha();
    }

    /**
     * The pre phase of a step that uses a JavaScript or Docker action from a repository, or null: run before
     * the job's steps when {@code pre-if} holds (default {@code always()}; the step's own {@code if}
     * is not asked, as on GitHub), with the step's inputs as they evaluate then. Actions in the
     * checkout have no pre phase here, as on GitHub.
     */
    Phase pre(JobDispatched.Step step, String displayName, Scope scope) {
        if (step.uses() == null || !(ActionReference.parse(step.uses()) instanceof ActionReference.Remote remote)) {
            return null;
        }
        Prepared action = remote(step.uses(), remote);
        ActionMetadata.Runs runs = action.metadata().runs();
        String condition = runs.preIf() == null ? "always()" : runs.preIf();
        if (runs.javascript() && runs.pre() != null) {
            Invocation main = invocation(step, displayName, scope);
            return new Phase("Pre " + displayName, node(action, runs.pre()), main.env(), condition, step.index(), null);
        }
        if (runs.using().equals("docker") && runs.preEntrypoint() != null) {
            // the same image as the main step (built here first when it is the action's Dockerfile), its pre-entrypoint
            Invocation main = invocation(step, displayName, scope);
            DockerRun run = main.docker();
            return new Phase(
                    "Pre " + displayName,
                    null,
                    main.env(),
                    condition,
                    step.index(),
                    new DockerRun(run.image(), run.dockerfile(), run.context(), runs.preEntrypoint(), run.args()));
        }
        return null;
    }

    /** The action's inputs: every input of its metadata, then what {@code with} gives beyond them (as GitHub, with a warning). */
    private Map<String, String> inputs(Prepared action, Map<String, String> with, Scope scope, boolean warn) {
        Map<String, String> values = new LinkedHashMap<>();
        action.metadata().inputs().forEach((name, input) -> {
            String value = with.get(name);
            if (value == null && input.defaultValue() != null) {
                value = Template.render(input.defaultValue(), scope);
            }
            if (value == null && input.required() && warn) {
                log.system("forge: Input required and not supplied: " + name + " (" + action.display() + ")");
            }
            if (value != null && with.containsKey(name) && input.deprecationMessage() != null && warn) {
                log.system(
                        "forge: Input '" + name + "' has been deprecated with message: " + input.deprecationMessage());
            }
            values.put(name, value == null ? "" : value);
        });
        List<String> unexpected = new ArrayList<>();
        with.forEach((name, value) -> {
            if (!action.metadata().inputs().containsKey(name)) {
                unexpected.add(name);
                values.put(name, value);
            }
        });
        if (!unexpected.isEmpty() && warn) {
            log.system("forge: Unexpected input(s) '" + String.join("', '", unexpected) + "', valid inputs are "
                    + action.metadata().inputs().keySet().stream()
                            .map(name -> "'" + name + "'")
                            .toList());
        }
        return values;
    }

    /** {@code node <file>}, the file inside the action's directory. */
    private static List<String> node(Prepared action, String file) {
        String relative;
        try {
            relative = ((ActionReference.Local) ActionReference.parse("./" + file)).path();
        } catch (ActionReference.InvalidReferenceException e) {
            throw new ActionUnavailableException(action.display() + ": `" + file + "` is not a file inside the action");
        }
        return List.of(NODE, action.directory() + "/" + relative);
    }

    /** Whether the program is a JavaScript action's (which a container job runs in its container, as GitHub does). */
    static boolean javaScript(List<String> command) {
        return !command.isEmpty() && command.get(0).equals(NODE);
    }

    /** An action in the checkout: its metadata read from the runner's workspace. */
    private Prepared local(ActionReference.Local local) {
        String directory = StepFiles.WORKSPACE + (local.path().isEmpty() ? "" : "/" + local.path());
        Map<String, byte[]> files;
        try {
            files = engine.copyOut(runner, directory, MAX_LOCAL_METADATA_BYTES);
        } catch (RunnerException e) {
            throw new ActionUnavailableException(local.display() + ": " + e.getMessage());
        }
        if (!files.containsKey("action.yml") && !files.containsKey("action.yaml")) {
            throw new ActionUnavailableException("Can't find 'action.yml' or 'action.yaml' under '" + directory
                    + "'. Did you forget to run actions/checkout before running your local action?");
        }
        return new Prepared(
                local,
                local.display(),
                directory,
                metadata(local.display(), files.get("action.yml"), files.get("action.yaml")),
                null);
    }

    private static ActionMetadata metadata(String display, byte[] yml, byte[] yaml) {
        if (yml == null && yaml == null) {
            throw new ActionUnavailableException(display + " has no action.yml or action.yaml");
        }
        return ActionMetadata.parse(
                display + "/" + (yml != null ? "action.yml" : "action.yaml"), yml != null ? yml : yaml);
    }

    private static byte[] read(Path directory, String name) {
        Path file = directory.resolve(name);
        try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fetched tree as files of the runner under {@code root} (no leading '/'), with their executable bits. */
    private static Map<String, RunnerSpec.RunnerFile> runnerFiles(Path tree, String root) {
        Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String relative = tree.relativize(path).toString().replace('\\', '/');
                files.put(
                        root + "/" + relative,
                        new RunnerSpec.RunnerFile(Files.readAllBytes(path), Files.isExecutable(path) ? 0755 : 0644));
            }
        } catch (IOException e) {
            throw new ActionUnavailableException(
                    "the fetched action in " + tree + " could not be read: " + e.getMessage());
        }
        return files;
    }
}
