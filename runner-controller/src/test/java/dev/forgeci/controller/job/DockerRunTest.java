package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A Docker action's script, run by the host's sh against a `docker` that prints its arguments. */
class DockerRunTest {

    @Test
    void everyValueReachesDockerAsOneArgumentAndEveryVariableByNameOnly() throws Exception {
        Path bin = Files.createTempDirectory("forge-fake-docker");
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\nfor arg in \"$@\"; do printf '<%s>\\n' \"$arg\"; done\n");
        docker.toFile().setExecutable(true);
        ActionSteps.DockerRun run = new ActionSteps.DockerRun(
                "forge-action/x:latest", "/a/Dockerfile", "/a", "/entry point.sh", List.of("it's $(id)", "two words"));

        String script =
                run.script(new LinkedHashSet<>(List.of("GITHUB_OUTPUT", "INPUT_WHO-AM-I", "SECRET_TOKEN", "PATH")));
        ProcessBuilder builder =
                new ProcessBuilder("sh", "-ec", script.replace("mkdir -p /forge/home\n", "")).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("GITHUB_WORKSPACE", "/workspace");
        builder.environment().put("GITHUB_OUTPUT", "/forge/io/3/output");
        builder.environment().put("GITHUB_EVENT_PATH", "/forge/event.json");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(output).startsWith("<build>\n<-t>\n<forge-action/x:latest>\n<-f>\n</a/Dockerfile>\n</a>\n<run>\n");
        assertThat(output)
                .contains(
                        "<-v>\n</workspace:/github/workspace>\n",
                        "<-v>\n</forge/io/3:/github/file_commands>\n",
                        "<-e>\n<GITHUB_OUTPUT=/github/file_commands/output>\n",
                        "<-e>\n<INPUT_WHO-AM-I>\n",
                        "<-e>\n<SECRET_TOKEN>\n",
                        "<--entrypoint>\n</entry point.sh>\n");
        assertThat(output).endsWith("<forge-action/x:latest>\n<it's $(id)>\n<two words>\n");
        assertThat(output).doesNotContain("<-e>\n<PATH>", "<GITHUB_OUTPUT>");
    }

    @Test
    void argsOfADockerImageStepAreSplitAsAShellSplitsWordsWithoutExpandingAnything() {
        assertThat(ActionSteps.arguments("lint  \"two words\" 'single $HOME' plain"))
                .containsExactly("lint", "two words", "single $HOME", "plain");
        assertThat(ActionSteps.arguments("")).isEmpty();
    }
}
