package dev.forgeci.controller.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.JobDispatched;

class JobFilesTest {

    private static JobDispatched.Step step(int index, String run, String shell, String directory, Map<String, String> env,
            Double timeoutMinutes, Boolean continueOnError, String condition) {
        return new JobDispatched.Step(index, "step " + index, run, shell, directory, env, timeoutMinutes, continueOnError, condition);
    }

    private static JobDispatched.Job job(Map<String, String> env, JobDispatched.Step... steps) {
        return new JobDispatched.Job("build", "Build", "success", 10.0, false, env, List.of(), List.of(steps));
    }

    private static String text(JobFiles files, String path) {
        return new String(files.files().get(path).content(), StandardCharsets.UTF_8);
    }

    @Test
    void thePlanHasOneLinePerStepWithConditionContinueOnErrorAndTimeoutInSeconds() {
        JobFiles files = JobFiles.of(job(Map.of(),
                step(1, "echo one", "bash", "", Map.of(), 1.0, false, "success"),
                step(2, "echo two", "sh", null, null, null, true, "always()"),
                step(3, "echo three", null, null, null, 0.5, null, "failure")), Map.of(), "n0nce");

        assertThat(text(files, "forge/plan")).isEqualTo("1 success false 60\n2 always true 0\n3 failure false 30\n");
        assertThat(text(files, "forge/nonce")).isEqualTo("n0nce\n");
        assertThat(text(files, "forge/steps/2/run")).isEqualTo("echo two");
        assertThat(files.files().values()).allMatch(file -> file.mode() == 0600);
    }

    @Test
    void eachShellRunsTheScriptFileAsGitHubActionsDoes() {
        assertThat(JobFiles.shellCommand("bash", "/s")).isEqualTo("bash --noprofile --norc -eo pipefail /s");
        assertThat(JobFiles.shellCommand("sh", "/s")).isEqualTo("sh -e /s");
        assertThat(JobFiles.shellCommand("python3 -u {0}", "/s")).isEqualTo("python3 -u /s");
        assertThat(JobFiles.shellCommand("node", "/s")).isEqualTo("node /s");
    }

    @Test
    void theLaunchScriptLaysStepEnvironmentOverJobEnvironmentOverSecretsAndEntersTheDirectory() {
        JobFiles files = JobFiles.of(job(Map.of("A", "job", "B", "job"),
                step(1, "true", "bash", "sub dir", Map.of("B", "step"), null, null, null),
                step(2, "true", "bash", "/abs", Map.of("bad-name", "x", "NUL", "a\0b"), null, null, null)),
                Map.of("A", "secret", "TOKEN", "t"), "n");

        String first = text(files, "forge/steps/1/launch");
        assertThat(first).contains("export A='job'\n", "export B='step'\n", "export TOKEN='t'\n", "cd -- '/workspace/sub dir' || {",
                "exec bash --noprofile --norc -eo pipefail /forge/steps/1/run\n");
        assertThat(text(files, "forge/steps/2/launch")).contains("cd -- '/abs'").doesNotContain("bad-name").doesNotContain("NUL=");
        assertThat(files.warnings()).hasSize(2).anyMatch(w -> w.contains("bad-name")).anyMatch(w -> w.contains("NUL"));
    }

    @Test
    void quotingSurvivesEveryCharacterAShellCouldTakeForSyntax() throws Exception {
        String nasty = "it's \"quoted\" $HOME `id` $(id) \\ ; & | > < * ? [ ] { } ~ # !\nsecond line\ttab";
        Process sh = new ProcessBuilder("sh", "-c", "printf '%s' " + JobFiles.quote(nasty)).start();
        String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(output).isEqualTo(nasty);
    }
}
