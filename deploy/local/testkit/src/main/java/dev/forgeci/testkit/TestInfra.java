package dev.forgeci.testkit;

/**
 * Addresses of the test infrastructure that {@code deploy/local/forge test} (or {@code forge infra up})
 * starts; Maven passes them as system properties.
 */
public final class TestInfra {

    private TestInfra() {
    }

    public static String kafkaBootstrap() {
        return System.getProperty("forge.test.kafka", "127.0.0.1:19092");
    }

    public static String redisUri() {
        return System.getProperty("forge.test.redis", "redis://127.0.0.1:16379");
    }

    public static String runnerImage() {
        return System.getProperty("forge.test.runner-image", "forge-runner:local");
    }
}
