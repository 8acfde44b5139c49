package dev.forgeci.controller.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class StepFilesTest {

    private static String text(StepFiles.Rendered files, String path) {
        return new String(files.files().get(path).content(), StandardCharsets.UTF_8);
    }

    @Test
    void theFirstFilesAreTheNonceAndTheEvent() {
        Map<String, RunnerSpec.RunnerFile> files = StepFiles.initial("n0nce", "{\"ref\":\"refs/heads/main\"}");

        assertThat(new String(files.get("forge/nonce").content(), StandardCharsets.UTF_8))
                .isEqualTo("n0nce\n");
        assertThat(files.get("forge/nonce").mode()).isEqualTo(0600);
        assertThat(new String(files.get("forge/event.json").content(), StandardCharsets.UTF_8))
                .isEqualTo("{\"ref\":\"refs/heads/main\"}");
    }

    @Test
    void eachShellRunsTheScriptFileAsGitHubActionsDoes() {
        assertThat(StepFiles.shellCommand("bash", "/s")).isEqualTo("exec bash --noprofile --norc -eo pipefail /s");
        assertThat(StepFiles.shellCommand("sh", "/s")).isEqualTo("exec sh -e /s");
        assertThat(StepFiles.shellCommand("default", "/s"))
                .isEqualTo("if command -v bash >/dev/null 2>&1; then exec bash -e /s; else exec sh -e /s; fi");
        assertThat(StepFiles.shellCommand("python3 -u {0}", "/s")).isEqualTo("exec python3 -u /s");
        assertThat(StepFiles.shellCommand("node", "/s")).isEqualTo("exec node /s");
        assertThat(StepFiles.shellCommand("pwsh", "/s"))
                .contains("is not available in the runner image")
                .endsWith("exit 127");
    }

    @Test
    void theLaunchScriptSetsTheEnvironmentInOrderMakesTheRuntimeFilesAndEntersTheDirectory() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "first");
        env.put("B", "it's");
        env.put("INPUT_FETCH-DEPTH", "0");
        env.put("A=B", "x");
        env.put("NUL", "a\0b");
        StepFiles.Rendered files =
                StepFiles.step("3", env, List.of("/opt/b", "/opt/a"), "bash", "sub dir", "make\nmake check\n");

        String launch = text(files, "forge/steps/3/launch");
        assertThat(launch)
                .contains(
                        "export A='first'\n",
                        "export B='it'\\''s'\n",
                        "export PATH='/opt/b:/opt/a':\"$PATH\"\n",
                        ": >'/forge/io/3/output' && : >'/forge/io/3/env'",
                        "cd -- '/workspace/sub dir' || {",
                        "exec env 'INPUT_FETCH-DEPTH=0' bash --noprofile --norc -eo pipefail /forge/steps/3/run\n")
                .doesNotContain("A=B", "NUL=");
        assertThat(text(files, "forge/steps/3/run")).isEqualTo("make\nmake check\n");
        assertThat(files.warnings()).hasSize(2).anyMatch(w -> w.contains("A=B")).anyMatch(w -> w.contains("NUL"));
        assertThat(files.files().values()).allMatch(file -> file.mode() == 0600);
        assertThat(text(StepFiles.step("1", Map.of(), List.of(), "sh", "/abs", "true"), "forge/steps/1/launch"))
                .contains("cd -- '/abs'");
    }

    @Test
    void aProgramStepReachesItsProgramWithNoShellBetweenAndKeepsNamesAShellWouldDrop() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(Map.of("INPUT_WHO-AM-I", "it's $(id)"));
        StepFiles.Rendered files = StepFiles.program("2", env, List.of(), "/", List.of("printenv", "INPUT_WHO-AM-I"));

        String launch = text(files, "forge/steps/2/launch");
        assertThat(launch).endsWith("exec env 'INPUT_WHO-AM-I=it'\\''s $(id)' 'printenv' 'INPUT_WHO-AM-I'\n");
        assertThat(files.files()).doesNotContainKey("forge/steps/2/run");
        // the launch script's own sh: the variable survives it because env(1) sets it last
        String withoutRuntimeFiles = launch.lines()
                .filter(line -> !line.startsWith("mkdir"))
                .collect(java.util.stream.Collectors.joining("\n"));
        Process sh = new ProcessBuilder("sh", "-c", withoutRuntimeFiles).start();
        assertThat(new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("it's $(id)\n");
    }

    @Test
    void quotingSurvivesEveryCharacterAShellCouldTakeForSyntax() throws Exception {
        String nasty = "it's \"quoted\" $HOME `id` $(id) \\ ; & | > < * ? [ ] { } ~ # !\nsecond line\ttab";
        Process sh = new ProcessBuilder("sh", "-c", "printf '%s' " + StepFiles.quote(nasty)).start();
        String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(output).isEqualTo(nasty);
    }
}
