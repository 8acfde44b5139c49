package dev.forgeci.testkit;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at a Redis of its own, so the test may stop and start it.
 * The server is injected into test fields of type {@link RedisServerProcess}.
 */
public class PrivateRedisResource implements QuarkusTestResourceLifecycleManager {

    private RedisServerProcess redis;

    @Override
    public Map<String, String> start() {
        redis = RedisServerProcess.start();
        return Map.of("quarkus.redis.hosts", redis.uri());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(redis, new TestInjector.MatchesType(RedisServerProcess.class));
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
    }
}
