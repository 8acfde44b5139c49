package dev.forgeci.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.StatusReceiver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What the trigger-service tests talk to besides Kafka and Redis: a Radicle-style git gateway
 * (smart HTTP through {@code git http-backend}) serving bare repositories, configured as the default
 * seed, and a commit-status receiver; both origins are on the seed allowlist. Both are injected into
 * test fields of type {@link GitGateway} and {@link StatusReceiver}.
 */
public class TestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "forge-test-secret";
    public static final String TOKEN = "test-token";
    /** A repository whose webhooks are signed with a secret of its own. */
    public static final String OWN_SECRET_REPOSITORY = "rad:z4PerRepoSecretsTestRepoXyz12";

    public static final String OWN_SECRET = "a-secret-of-its-own";

    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private GitGateway gateway;
    private StatusReceiver receiver;

    @Override
    public Map<String, String> start() {
        try {
            gateway = GitGateway.start(Files.createTempDirectory("forge-trigger-seed"), "127.0.0.1", 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver = StatusReceiver.start(SECRET);
        Path mirror;
        Path upstream;
        try {
            mirror = Files.createTempDirectory("forge-trigger-action-mirror");
            upstream = Files.createTempDirectory("forge-trigger-action-upstream");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // what the lint finds: acme/greet@v1 in the mirror, tools/setup@main upstream
        BareRepo greet = BareRepo.create(mirror.resolve("acme"), "greet");
        greet.commit(Map.of("action.yml", "runs: {using: node20, main: index.js}\n"), "greet");
        greet.tag("v1");
        BareRepo.create(upstream.resolve("tools"), "setup")
                .commit(Map.of("action.yml", "runs: {using: composite, steps: []}\n"), "setup");
        return Map.of(
                "forge.seed.default-url", gateway.url(),
                "forge.seed.allowed", gateway.url() + "," + receiver.url(),
                "forge.webhook.repository-secrets", OWN_SECRET_REPOSITORY + "=" + OWN_SECRET,
                "forge.actions.mirror", mirror.toString(),
                "forge.actions.upstreams", upstream.toString());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(gateway, new TestInjector.MatchesType(GitGateway.class));
        testInjector.injectIntoFields(receiver, new TestInjector.MatchesType(StatusReceiver.class));
    }

    @Override
    public void stop() {
        if (gateway != null) {
            gateway.close();
            receiver.close();
        }
    }

    /** A repository id no other test uses. */
    public static String newRepositoryId() {
        StringBuilder rid = new StringBuilder("rad:z");
        for (int i = 0; i < 28; i++) {
            rid.append(BASE58.charAt(RANDOM.nextInt(BASE58.length())));
        }
        return rid.toString();
    }

    public static String cloneUrl(GitGateway gateway, String rid) {
        return gateway.url() + "/" + rid.substring("rad:".length()) + ".git";
    }
}
