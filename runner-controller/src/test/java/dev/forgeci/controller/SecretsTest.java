package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Secrets come from the controller's own store and never appear in job-log-chunks; that an untrusted
 * job gets none is {@link RunnerPoolProcessTest}'s, as only the untrusted pool runs one.
 */
@QuarkusTest
class SecretsTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness();

    @Test
    void aSecretEchoedWholeOrInPiecesNeverReachesTheLog() throws IOException {
        String rid = TestJobs.repositoryId();
        String token = "tok-" + UUID.randomUUID();
        String certificate = "-----BEGIN-----\nline-one-" + UUID.randomUUID() + "\nline-two-" + UUID.randomUUID()
                + "\n-----END-----";
        String globalName = "GLOBAL_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase();
        String globalValue = "global-" + UUID.randomUUID();
        writeSecret(rid.substring(4), "API_TOKEN", token + "\n");
        writeSecret("_global", "API_TOKEN", "the repository's own value wins over this one");
        writeSecret(rid.substring(4), "CERT", certificate);
        writeSecret("_global", globalName, globalValue);
        String split = """
                head=${API_TOKEN%????????????}
                printf 'split: %s' "$head"
                sleep 0.3
                printf '%s (end)\\n' "${API_TOKEN#"$head"}"
                """;
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "secrets",
                        1,
                        rid,
                        step(1, "Plain", "echo \"token=$API_TOKEN\"; echo \"global=$" + globalName + "\""),
                        step(2, "Split over two writes", split),
                        step(3, "Stderr", "echo \"$API_TOKEN\" >&2"),
                        step(4, "Multi-line", "printf '%s\\n' \"$CERT\""),
                        step(5, "Length", "echo \"length ${#API_TOKEN}\""))
                .withJob("secrets", List.of("API_TOKEN", "CERT", globalName, "UNDEFINED_SECRET"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).as(String.join("\n", job.texts())).isEqualTo("success");
        List<String> texts = job.texts();
        assertThat(texts).noneMatch(text -> text.contains(token) || text.contains(globalValue));
        for (String line : certificate.split("\n")) {
            assertThat(texts).noneMatch(text -> text.contains(line));
        }
        assertThat(job.texts(1)).containsExactly("token=***", "global=***");
        assertThat(job.texts(2)).containsExactly("split: *** (end)");
        assertThat(job.texts(3, "stderr")).containsExactly("***");
        assertThat(job.texts(4)).containsExactly("***", "***", "***", "***");
        assertThat(job.texts(5)).containsExactly("length " + token.length());
        assertThat(job.texts(null)).anyMatch(text -> text.contains("secret UNDEFINED_SECRET is not defined"));
    }

    @Test
    void aSecretPrintedEncodedByTheRunnersOwnToolsIsMaskedInEveryForm() throws IOException {
        String rid = TestJobs.repositoryId();
        String special = "p@ss w/rd\"it's " + UUID.randomUUID();
        writeSecret(rid.substring(4), "SPECIAL", special);
        String late = "late-" + UUID.randomUUID();
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "encoded",
                        1,
                        rid,
                        step(
                                1,
                                "Base64",
                                "printf '%s' \"$SPECIAL\" | base64 -w0; echo\nprintf 'x%s' \"$SPECIAL\" | base64 -w0; echo\n"
                                        + "printf 'xy%s' \"$SPECIAL\" | base64 -w0; echo"),
                        step(
                                2,
                                "Double base64",
                                "printf 'dump: %s and more\\n' \"$SPECIAL\" | base64 -w0 | base64 -w0; echo"),
                        step(
                                3,
                                "JSON and URL",
                                "python3 -c 'import json, os, urllib.parse; v = os.environ[\"SPECIAL\"]; "
                                        + "print(json.dumps({\"t\": v})); print(urllib.parse.quote(v, safe=\"\")); print(urllib.parse.quote_plus(v))'"),
                        step(4, "set -x", "bash -xc ': \"$SPECIAL\"' 2>&1"),
                        step(
                                5,
                                "Added at run time",
                                "echo '::add-mask::" + late + "'\nprintf '%s' '" + late + "' | base64 -w0; echo"))
                .withJob("secrets", List.of("SPECIAL"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).as(String.join("\n", job.texts())).isEqualTo("success");
        assertThat(job.texts(1)).hasSize(3).allMatch(text -> text.contains("***"));
        assertThat(job.texts(2)).singleElement().asString().contains("***");
        assertThat(job.texts(3)).containsExactly("{\"t\": \"***\"}", "***", "***");
        assertThat(job.texts(4)).containsExactly("+ : '***'");
        assertThat(job.texts(5)).containsExactly("***");
        String whole =
                java.util.Base64.getEncoder().encodeToString(special.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(job.texts())
                .noneMatch(text -> text.contains(special) || text.contains(whole) || text.contains(late));
    }

    private static void writeSecret(String directory, String name, String value) throws IOException {
        Path dir = Path.of(ConfigProvider.getConfig().getValue("forge.secrets.dir", String.class))
                .resolve(directory);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), value);
    }
}
