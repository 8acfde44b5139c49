package dev.forgeci.testkit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * Addresses of the test infrastructure that {@code deploy/local/forge test} (or {@code forge infra up})
 * starts; Maven passes them as system properties.
 */
public final class TestInfra {

    private TestInfra() {}

    public static String kafkaBootstrap() {
        return System.getProperty("forge-test.kafka", "127.0.0.1:19092");
    }

    public static String redisUri() {
        return System.getProperty("forge-test.redis", "redis://127.0.0.1:16379");
    }

    /** The test stack's image registry as runners reach it ({@code forge infra up} serves it on the bridge, port 15005). */
    public static String registry() {
        String configured = System.getProperty("forge-test.registry", "");
        return configured.isBlank() ? dockerBridgeAddress() + ":15005" : configured;
    }

    public static String runnerImage() {
        return System.getProperty("forge-test.runner-image", "forge-runner:local");
    }

    /**
     * The host's address on Docker's default bridge: where runner containers reach services of this
     * machine (a git gateway bound there). Read from the bridge interface, since some engines leave
     * the gateway out of the network's IPAM config.
     */
    public static String dockerBridgeAddress() {
        try {
            NetworkInterface bridge = NetworkInterface.getByName("docker0");
            if (bridge != null) {
                for (InetAddress address : Collections.list(bridge.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall back to Docker's default below
        }
        return "172.17.0.1";
    }
}
