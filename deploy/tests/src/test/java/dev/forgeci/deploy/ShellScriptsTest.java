package dev.forgeci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * shellcheck (warnings and errors; its info and style notes are not gated) over every shell script
 * of the repository: the launcher, CI, the Maven wrapper, the runner image's agent and the broker adapter.
 */
class ShellScriptsTest {

    @Test
    void everyShellScriptPassesShellcheck() throws Exception {
        List<Path> scripts = shellScripts();
        assertThat(scripts)
                .extracting(path -> Repository.root().relativize(path).toString())
                .contains(
                        ".ci/run",
                        "mvnw",
                        "deploy/local/forge",
                        "runner-image/forge-agent",
                        "runner-image/entrypoint.sh");

        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=warning", "--format=gcc"));
        scripts.forEach(script -> command.add(script.toString()));
        Process shellcheck =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        String findings = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(shellcheck.waitFor()).as("shellcheck found:%n%s", findings).isZero();
    }

    @Test
    void aScriptWithAnUnquotedCommandAsValueIsCaught() throws Exception {
        Path script = Files.createTempFile("forge-shellcheck-", ".sh");
        Files.writeString(script, "#!/usr/bin/env bash\nid=test\nrm -rf \"$dir\"/*\n");
        Process shellcheck = new ProcessBuilder("shellcheck", "--severity=warning", "--format=gcc", script.toString())
                .redirectErrorStream(true)
                .start();
        String findings = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(shellcheck.waitFor()).isNotZero();
        assertThat(findings).contains("SC2209");
    }

    /** The Maven wrapper, and the files under .ci, deploy and runner-image whose first line is a sh or bash shebang. */
    private static List<Path> shellScripts() throws IOException {
        List<Path> scripts = new ArrayList<>(List.of(Repository.root().resolve("mvnw")));
        for (String dir : List.of(".ci", "deploy", "runner-image")) {
            try (Stream<Path> files = Files.walk(Repository.root().resolve(dir))) {
                files.filter(Files::isRegularFile)
                        .filter(path -> !path.toString().contains("/target/"))
                        .filter(ShellScriptsTest::hasShellShebang)
                        .sorted()
                        .forEach(scripts::add);
            }
        }
        return scripts;
    }

    private static boolean hasShellShebang(Path file) {
        try (var in = Files.newInputStream(file)) {
            String first = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1)
                    .lines()
                    .findFirst()
                    .orElse("");
            return first.startsWith("#!") && (first.endsWith("/sh") || first.endsWith("bash"));
        } catch (IOException e) {
            return false;
        }
    }
}
