package dev.forgeci.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.testkit.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The viewer in a real headless Chromium: the Run form starts a run (through the gateway to a
 * stand-in trigger-service), the run's events are played on the real broker, its lines appear in
 * the xterm.js terminal with step sections and status, Approve and Cancel reach the stand-in scheduler; a
 * commit's page lists that commit's runs from the stand-in scheduler.
 * Screenshots land in target/viewer-*.png.
 */
@QuarkusTest
@QuarkusTestResource(value = FakeNeighbours.class, restrictToAnnotatedClass = true)
class ViewerBrowserTest {

    static KafkaTestClient kafka;
    static WebDriver browser;
    static Path profile;

    FakeNeighbours neighbours;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void start() throws IOException {
        kafka = new KafkaTestClient();
        RunFeeder.awaitGatewayConsumer(kafka);
        profile = Files.createTempDirectory("forge-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary("/usr/bin/chromium")
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1400,900",
                        "--user-data-dir=" + profile);
        // The Debian chromedriver, so Selenium Manager never downloads anything.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        kafka.close();
    }

    @Test
    void theRunFormStartsARunWhoseLiveLogAppearsInTheTerminalAndApproveAndCancelReachTheScheduler() throws Exception {
        try {
            runFormToCancel();
        } catch (AssertionError | RuntimeException e) {
            screenshot("viewer-failure.png");
            throw e;
        }
    }

    @Test
    void aCommitsPageListsEveryRunOfTheCommitAndOpensThem() throws Exception {
        try {
            browser.get(base + "#/commits/" + FakeNeighbours.COMMIT);
            browser.findElement(By.id("token")).clear();
            browser.findElement(By.id("token")).sendKeys("test-reader-token");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> browser.findElements(By.cssSelector("#commit-runs li"))
                                    .size()
                            == 2);
            assertThat(browser.findElement(By.id("commit-title")).getText()).isEqualTo("Runs of commit 9c1e3e5d (2)");
            assertThat(browser.findElements(By.cssSelector("#commit-runs li")).stream()
                            .map(li -> li.findElements(By.tagName("span")).stream()
                                    .map(span -> span.getText())
                                    .toList())
                            .toList())
                    .containsExactly(
                            List.of(
                                    "failure",
                                    "Lint · heartwood 9c1e3e5d",
                                    FakeNeighbours.COMMIT_RUN_LINT.substring(20)),
                            List.of("success", "CI · heartwood 9c1e3e5d", FakeNeighbours.COMMIT_RUN_CI.substring(20)));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(neighbours.received).anySatisfy(request -> {
                        assertThat(request.path()).isEqualTo("/api/runs?commit=" + FakeNeighbours.COMMIT + "&size=100");
                        assertThat(request.authorization()).isEqualTo("Bearer test-reader-token");
                    }));

            browser.findElement(By.cssSelector("#commit-runs li[data-run-id='" + FakeNeighbours.COMMIT_RUN_CI + "']"))
                    .click();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> browser.getCurrentUrl().endsWith("#/runs/" + FakeNeighbours.COMMIT_RUN_CI));
            assertThat(browser.findElement(By.id("run-title")).getText()).contains(FakeNeighbours.COMMIT_RUN_CI);
            screenshot("viewer-commit.png");
        } catch (AssertionError | RuntimeException e) {
            screenshot("viewer-commit-failure.png");
            throw e;
        }
    }

    private void awaitStepListed(String step) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !browser.findElements(By.cssSelector("#steps [data-step='" + step + "']"))
                        .isEmpty());
    }

    void runFormToCancel() throws Exception {
        browser.get(base.toString());
        browser.findElement(By.id("token")).sendKeys("test-reader-token");
        browser.findElement(By.id("run-repository")).sendKeys("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5");
        browser.findElement(By.id("run-commit")).sendKeys("2f1c3e5d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
        browser.findElement(By.id("run-workflow"))
                .sendKeys("name: Build and Test\nsteps:\n  - name: Run Tests\n    run: npm test\n");
        browser.findElement(By.id("run-workflow-file")).sendKeys(".github/workflows/ci.yml");
        browser.findElement(By.id("run-inputs")).sendKeys("level=debug\ndry-run=true\nnote=a=b\n");
        browser.findElement(By.id("run-submit")).click();

        FakeNeighbours.Received trigger = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> neighbours.received.stream()
                                .filter(r -> r.path().equals("/api/triggers"))
                                .findFirst(),
                        r -> r.isPresent())
                .orElseThrow();
        assertThat(trigger.method()).isEqualTo("POST");
        assertThat(trigger.authorization()).isEqualTo("Bearer test-reader-token");
        JsonNode body = new ObjectMapper().readTree(trigger.body());
        assertThat(body.get("repository").asText()).isEqualTo("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5");
        assertThat(body.get("commit").asText()).isEqualTo("2f1c3e5d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
        assertThat(body.get("workflow").asText()).contains("npm test");
        assertThat(body.get("workflowFile").asText()).isEqualTo(".github/workflows/ci.yml");
        assertThat(body.get("inputs").toString())
                .isEqualTo("{\"level\":\"debug\",\"dry-run\":\"true\",\"note\":\"a=b\"}");

        // Play the scheduler and the runner-controller for the run the stand-in trigger-service announced.
        RunFeeder run = new RunFeeder(kafka, neighbours.nextRunId);
        run.run("waiting", "Waiting for approval by a delegate: the author is not a delegate of the repository.");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElement(By.id("approve")).isDisplayed());
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("waiting");
        assertThat(terminalText()).contains("[forge] Waiting for approval by a delegate");
        browser.findElement(By.id("approve")).click();
        awaitRunAction(run.runId, "approve");

        run.run("queued");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !browser.findElement(By.id("approve")).isDisplayed());
        run.run("running").jobStarted("build");
        run.lines(
                "build",
                null,
                2,
                2,
                n -> n == 1 ? "Cloning rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5" : "HEAD is now at 2f1c3e5");
        // Each step's lines follow its step-started once the viewer shows it: a header is named only
        // when the name arrives within forge.logs.step-name-wait, which a loaded machine may miss.
        run.stepStarted("build", 1, "Install Dependencies");
        awaitStepListed("build:1:1");
        run.lines("build", 1, 3, 3, n -> "\u001b[32madded " + n + " packages\u001b[0m");
        run.stepFinished("build", 1, "Install Dependencies", "success", 0).stepStarted("build", 2, "Run Tests");
        awaitStepListed("build:1:2");
        run.lines("build", 2, 12, 4, n -> "  \u001b[32m✔\u001b[0m test case number " + n + " passes");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> terminalText().contains("test case number 17 passes"));
        assertThat(terminalText())
                .contains("==> build > Install Dependencies", "added 3 packages", "==> build > Run Tests");
        // Run and step status come from other topics than the lines, so they may show a moment later.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("running");
            assertThat(browser.findElement(By.cssSelector("#steps [data-step='build:1:1']"))
                            .getText())
                    .contains("Install Dependencies", "success");
            assertThat(browser.findElement(By.cssSelector("#steps [data-step='build:1:2']"))
                            .getText())
                    .contains("Run Tests", "running");
        });
        assertThat(browser.findElements(By.cssSelector("#steps li")).stream()
                        .map(li -> li.getText().replace('\n', ' '))
                        .toList())
                .containsExactly("running build", "Set up job", "success Install Dependencies", "running Run Tests");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !browser.findElements(By.cssSelector("#runs li[data-run-id='" + run.runId + "']"))
                        .isEmpty());
        screenshot("viewer-running.png");

        browser.findElement(By.id("cancel")).click();
        awaitRunAction(run.runId, "cancel");

        run.stepFinished("build", 2, "Run Tests", "cancelled", 143)
                .jobFinished("build", "cancelled", 143)
                .runFinished("cancelled", Map.of("build", run.chunks("build")));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> browser.findElement(By.id("run-status")).getText().equals("cancelled"));
        assertThat(terminalText()).contains("==> run cancelled");
        screenshot("viewer-cancelled.png");
    }

    /** The viewer's POST of a run action reached the stand-in scheduler, with the token typed in. */
    private void awaitRunAction(String runId, String action) {
        FakeNeighbours.Received received = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> neighbours.received.stream()
                                .filter(r -> r.path().endsWith("/" + action))
                                .findFirst(),
                        r -> r.isPresent())
                .orElseThrow();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/api/runs/" + runId + "/" + action);
        assertThat(received.authorization()).isEqualTo("Bearer test-reader-token");
    }

    /** What the terminal shows: the text of xterm.js's rendered rows. */
    static String terminalText() {
        return browser.findElement(By.cssSelector("#terminal .xterm-rows")).getText();
    }

    static void screenshot(String name) throws IOException {
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", name), png);
    }
}
