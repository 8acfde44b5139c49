package dev.forgeci.controller.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives {@code forge.controller.id} the host name as its default. It is a config source rather than
 * code because the id is also part of a consumer group name in application.properties.
 */
public class ControllerIdConfigSource implements ConfigSource {

    private static final String KEY = "forge.controller.id";

    private final String hostName = hostName();

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, hostName);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? hostName : null;
    }

    @Override
    public String getName() {
        return "forge-controller-id-default";
    }

    /** Below application.properties (250) and the environment (300). */
    @Override
    public int getOrdinal() {
        return 50;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
