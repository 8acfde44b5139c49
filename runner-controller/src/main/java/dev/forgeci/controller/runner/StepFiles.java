package dev.forgeci.controller.runner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files the agent finds under /forge: the nonce and the event (copied in before the runner
 * starts), and each step's two files, written just before the step runs: its script as the
 * controller evaluated it, and a launch script that sets the step's environment, makes its runtime
 * files (GITHUB_OUTPUT, …), enters its working directory and execs its shell. Every value reaches a
 * shell only single-quoted; the step's script is a file, never a command line, so quoting and
 * multi-line scripts survive as written.
 */
public final class StepFiles {

    public static final String WORKSPACE = "/workspace";
    /** Where a step's runtime files are, by index: output, env, path, summary, state. */
    public static final String IO = "/forge/io/";
    /** The real docker client, linked by a container job's init: execs into the job container need one that passes every variable on. */
    public static final String DOCKER_CLIENT = "/forge/docker-client";

    public static final List<String> RUNTIME_FILES = List.of("output", "env", "path", "summary", "state");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int PRIVATE = 0600;

    private StepFiles() {}

    /** What one step needs written: its script and the launch around it, and the variables that could not be set. */
    public record Rendered(Map<String, RunnerSpec.RunnerFile> files, List<String> warnings) {}

    /** The files before the runner starts: the marker nonce (read once and deleted by the agent) and the event payload. */
    public static Map<String, RunnerSpec.RunnerFile> initial(String nonce, String eventJson) {
        Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
        files.put("forge/nonce", file(nonce + "\n"));
        files.put("forge/event.json", new RunnerSpec.RunnerFile(eventJson.getBytes(StandardCharsets.UTF_8), 0644));
        return files;
    }

    /**
     * A step's files under {@code /forge/steps/<key>} (its index, or INDEX.N for a composite action's
     * steps): {@code env} in order (later entries win), {@code paths} put before the
     * runner's PATH, the step's evaluated {@code run}.
     */
    public static Rendered step(
            String key,
            Map<String, String> env,
            List<String> paths,
            String shell,
            String workingDirectory,
            String run) {
        Rendered launch = launch(
                key, env, paths, workingDirectory, exec -> shellCommand(shell, "/forge/steps/" + key + "/run", exec));
        Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
        files.put("forge/steps/" + key + "/run", file(run == null ? "" : run));
        files.putAll(launch.files());
        return new Rendered(files, launch.warnings());
    }

    /**
     * A step of a job that runs in a container ({@code jobs.<id>.container}): its script runs in that
     * container with {@code docker exec}, where the workspace and /forge are mounted at the same
     * paths; every variable is passed on by name (never as a value on a command line), and its
     * shell is chosen inside the container (sh where it has no bash, as GitHub does).
     */
    public static Rendered inContainer(
            String key,
            Map<String, String> env,
            List<String> paths,
            String shell,
            String workingDirectory,
            String run,
            String container) {
        String script = "/forge/steps/" + key + "/run";
        String inside = shellCommand(shell == null || shell.isBlank() ? "default" : shell, script, "exec ");
        Rendered launch = launch(
                key,
                env,
                paths,
                workingDirectory,
                exec -> exec + dockerExec(container, workingDirectory, env) + " sh -c " + quote(inside));
        Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
        files.put(script.substring(1), file(run == null ? "" : run));
        files.putAll(launch.files());
        return new Rendered(files, launch.warnings());
    }

    /** A program run in the job container (a JavaScript action of a container job), its arguments reaching no shell. */
    public static Rendered programInContainer(
            String key,
            Map<String, String> env,
            List<String> paths,
            String workingDirectory,
            List<String> command,
            String container) {
        return launch(
                key,
                env,
                paths,
                workingDirectory,
                exec -> exec + dockerExec(container, workingDirectory, env) + " "
                        + String.join(
                                " ", command.stream().map(StepFiles::quote).toList()));
    }

    /** {@code docker exec} into the container, in the step's directory, every variable passed on by name (its value never on a command line). */
    private static String dockerExec(String container, String workingDirectory, Map<String, String> env) {
        StringBuilder names = new StringBuilder();
        env.keySet().stream()
                .filter(name ->
                        !name.equals("PATH") && !name.isEmpty() && name.indexOf('=') < 0 && name.indexOf('\0') < 0)
                .forEach(name -> names.append(" -e ").append(quote(name)));
        return DOCKER_CLIENT + " exec -i -w " + quote(directory(workingDirectory)) + names + " " + quote(container);
    }

    /** A step that is a program rather than a script (an action's {@code node main.js}): its arguments reach no shell. */
    public static Rendered program(
            String key, Map<String, String> env, List<String> paths, String workingDirectory, List<String> command) {
        return launch(
                key,
                env,
                paths,
                workingDirectory,
                exec -> exec
                        + String.join(
                                " ", command.stream().map(StepFiles::quote).toList()));
    }

    /**
     * The launch script, ending in the line {@code execLine} makes from its {@code exec} prefix.
     * Names a shell cannot export (GitHub's {@code INPUT_FETCH-DEPTH}; sh even drops them from the
     * environment it passes on) reach the program through {@code env}, on that last line.
     */
    private static Rendered launch(
            String key,
            Map<String, String> env,
            List<String> paths,
            String workingDirectory,
            java.util.function.UnaryOperator<String> execLine) {
        List<String> warnings = new ArrayList<>();
        StringBuilder script = new StringBuilder("# Forge step ")
                .append(key)
                .append(": its environment, its runtime files and directory, then its program.\n");
        StringBuilder exec = new StringBuilder("exec ");
        env.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                warnings.add("step " + key + ": environment variable " + quote(name.replace('\0', '?'))
                        + " is not a valid name and was not set");
            } else if (value != null && value.indexOf('\0') >= 0) {
                warnings.add("step " + key + ": environment variable " + name + " contains a NUL byte and was not set");
            } else if (!ENV_NAME.matcher(name).matches()) {
                if (exec.length() == "exec ".length()) {
                    exec.append("env ");
                }
                exec.append(quote(name + "=" + (value == null ? "" : value))).append(' ');
            } else if (!name.equals("PATH")) {
                script.append("export ")
                        .append(name)
                        .append('=')
                        .append(quote(value == null ? "" : value))
                        .append('\n');
            }
        });
        if (!paths.isEmpty()) {
            script.append("export PATH=").append(quote(String.join(":", paths))).append(":\"$PATH\"\n");
        }
        String io = IO + key;
        script.append("mkdir -p ")
                .append(quote(io))
                .append(' ')
                .append(quote("/forge/tmp"))
                .append(" && : >")
                .append(String.join(
                        " && : >",
                        RUNTIME_FILES.stream().map(f -> quote(io + "/" + f)).toList()))
                .append('\n');
        String directory = directory(workingDirectory);
        script.append("cd -- ")
                .append(quote(directory))
                .append(" || { echo ")
                .append(quote("forge: the working directory " + directory + " does not exist"))
                .append(" >&2; exit 1; }\n");
        script.append(execLine.apply(exec.toString())).append('\n');
        return new Rendered(Map.of("forge/steps/" + key + "/launch", file(script.toString())), warnings);
    }

    /**
     * The command that runs the script, as GitHub's runner runs each shell: {@code bash} as
     * {@code bash --noprofile --norc -eo pipefail}, {@code sh} as {@code sh -e}, GitHub's unspecified
     * shell ({@code default}) as {@code bash -e} or, where there is no bash, {@code sh -e};
     * {@code python}; anything else is a command template with {@code {0}}.
     */
    static String shellCommand(String shell, String scriptPath) {
        return shellCommand(shell, scriptPath, "exec ");
    }

    private static String shellCommand(String shell, String scriptPath, String exec) {
        if (shell == null || shell.isBlank() || shell.equals("bash")) {
            return exec + "bash --noprofile --norc -eo pipefail " + scriptPath;
        }
        return switch (shell) {
            case "sh" -> exec + "sh -e " + scriptPath;
            case "default" ->
                "if command -v bash >/dev/null 2>&1; then " + exec + "bash -e " + scriptPath + "; else " + exec
                        + "sh -e " + scriptPath + "; fi";
            case "python" ->
                "if command -v python >/dev/null 2>&1; then " + exec + "python " + scriptPath + "; else " + exec
                        + "python3 " + scriptPath + "; fi";
            case "pwsh", "powershell", "cmd" ->
                "echo " + quote("forge: shell " + shell + " is not available in the runner image") + " >&2; exit 127";
            // The template is the workflow author's own command line, like `run`; only {0} is ours.
            default -> exec + (shell.contains("{0}") ? shell.replace("{0}", scriptPath) : shell + " " + scriptPath);
        };
    }

    private static String directory(String workingDirectory) {
        if (workingDirectory == null || workingDirectory.isBlank()) {
            return WORKSPACE;
        }
        return workingDirectory.startsWith("/") ? workingDirectory : WORKSPACE + "/" + workingDirectory;
    }

    /** Single-quotes a value for sh: nothing inside single quotes is special but the quote itself. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static RunnerSpec.RunnerFile file(String content) {
        return new RunnerSpec.RunnerFile(content.getBytes(StandardCharsets.UTF_8), PRIVATE);
    }
}
