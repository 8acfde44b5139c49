package dev.forgeci.controller.runner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.forgeci.controller.events.JobDispatched;

/**
 * The files the agent finds under /forge when the runner starts: the nonce, the plan (one line per
 * step: index, condition, continue-on-error, timeout in seconds) and, per step, its script exactly
 * as written plus a launch script that sets the step's environment and directory and execs its
 * shell. Every value from the workflow reaches a shell only single-quoted; the step's script is a
 * file, never a command line, so quoting and multi-line scripts survive as written.
 */
public final class JobFiles {

    public static final String WORKSPACE = "/workspace";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int PRIVATE = 0600;

    private final Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private JobFiles() {
    }

    /**
     * @param secrets secret name → value, injected into every step's environment (only for trusted jobs)
     * @param nonce   the job's marker nonce, which the agent reads once and deletes
     */
    public static JobFiles of(JobDispatched.Job job, Map<String, String> secrets, String nonce) {
        JobFiles result = new JobFiles();
        result.add("forge/nonce", nonce + "\n");
        StringBuilder plan = new StringBuilder();
        for (JobDispatched.Step step : job.stepsOrEmpty()) {
            int index = step.index();
            plan.append(index).append(' ').append(StepCondition.of(step.condition()).word()).append(' ')
                    .append(Boolean.TRUE.equals(step.continueOnError())).append(' ').append(seconds(step.timeoutMinutes())).append('\n');
            String dir = "forge/steps/" + index + "/";
            result.add(dir + "run", step.run() == null ? "" : step.run());
            result.add(dir + "launch", result.launchScript(step, job.envOrEmpty(), secrets));
        }
        result.add("forge/plan", plan.toString());
        return result;
    }

    public Map<String, RunnerSpec.RunnerFile> files() {
        return files;
    }

    /** Problems worth a line in the job's log (e.g. an environment variable that cannot be set). */
    public List<String> warnings() {
        return warnings;
    }

    private String launchScript(JobDispatched.Step step, Map<String, String> jobEnv, Map<String, String> secrets) {
        int index = step.index();
        StringBuilder script = new StringBuilder("# Forge step ").append(index)
                .append(": its environment and directory, then its shell on its script.\n");
        Map<String, String> env = new LinkedHashMap<>(secrets);
        env.putAll(jobEnv);
        env.putAll(step.envOrEmpty());
        env.forEach((name, value) -> {
            if (!ENV_NAME.matcher(name).matches()) {
                warnings.add("step " + index + ": environment variable " + quote(name) + " is not a valid name and was not set");
            } else if (value != null && value.indexOf('\0') >= 0) {
                warnings.add("step " + index + ": environment variable " + name + " contains a NUL byte and was not set");
            } else {
                script.append("export ").append(name).append('=').append(quote(value == null ? "" : value)).append('\n');
            }
        });
        String directory = directory(step.workingDirectory());
        script.append("cd -- ").append(quote(directory)).append(" || { echo ")
                .append(quote("forge: the working directory " + directory + " does not exist")).append(" >&2; exit 1; }\n");
        script.append("exec ").append(shellCommand(step.shell(), "/forge/steps/" + index + "/run")).append('\n');
        return script.toString();
    }

    /** bash and sh as GitHub Actions runs them; anything else is a command template with {0}. */
    static String shellCommand(String shell, String scriptPath) {
        if (shell == null || shell.isBlank() || shell.equals("bash")) {
            return "bash --noprofile --norc -eo pipefail " + scriptPath;
        }
        if (shell.equals("sh")) {
            return "sh -e " + scriptPath;
        }
        // The template is the workflow author's own command line, like `run`; only {0} is ours.
        return shell.contains("{0}") ? shell.replace("{0}", scriptPath) : shell + " " + scriptPath;
    }

    private static String directory(String workingDirectory) {
        if (workingDirectory == null || workingDirectory.isBlank()) {
            return WORKSPACE;
        }
        return workingDirectory.startsWith("/") ? workingDirectory : WORKSPACE + "/" + workingDirectory;
    }

    private static long seconds(Double minutes) {
        return minutes == null || minutes <= 0 ? 0 : (long) Math.ceil(minutes * 60);
    }

    /** Single-quotes a value for sh: nothing inside single quotes is special but the quote itself. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private void add(String path, String content) {
        files.put(path, new RunnerSpec.RunnerFile(content.getBytes(StandardCharsets.UTF_8), PRIVATE));
    }
}
