package dev.forgeci.trigger.radicle;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.forgeci.trigger.config.ForgeConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** A {@link ForgeConfig} built from properties, as Quarkus builds it, for plain unit tests. */
final class TestConfig {

    private TestConfig() {}

    static ForgeConfig of(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of("forge.seed.default-url", "http://127.0.0.1:8090"));
        all.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ForgeConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // "30s", as Quarkus reads it
                .withConverter(MemorySize.class, 100, new MemorySizeConverter()) // "1M"
                .withSources(new PropertiesConfigSource(all, "test", 100))
                .build();
        return config.getConfigMapping(ForgeConfig.class);
    }

    static WebhookSecrets secrets(Map<String, String> properties) {
        return new WebhookSecrets(of(properties));
    }
}
