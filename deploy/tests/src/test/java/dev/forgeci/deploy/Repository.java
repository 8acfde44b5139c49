package dev.forgeci.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** What the deploy checks read from the repository: rendered overlays and facts about the code. */
final class Repository {

    static final List<String> SERVICES =
            List.of("trigger-service", "scheduler-service", "runner-controller", "log-gateway");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Pattern CHANNEL_KEY = Pattern.compile(
            "^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(connector|topic|dead-letter-queue\\.topic)$");
    private static final Pattern TOPIC_CONSTANT =
            Pattern.compile("static final String \\w+\\s*=\\s*\"([a-z]+(?:-[a-z]+)+)\"");
    private static final Pattern PATH = Pattern.compile("@Path\\(\"([^\"]+)\"\\)");
    private static final Pattern WEB_SOCKET = Pattern.compile("@WebSocket\\(\\s*path\\s*=\\s*\"([^\"]+)\"");

    private Repository() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/k8s"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the Forge CI repository");
        }
        return dir;
    }

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    /** `kubectl kustomize` of an overlay, as one JSON tree per object (rendered once per test JVM). */
    static List<JsonNode> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Repository::kustomize);
    }

    private static List<JsonNode> kustomize(String overlay) {
        try {
            Process kubectl = new ProcessBuilder(
                            "kubectl",
                            "kustomize",
                            root().resolve("deploy/k8s/overlays/" + overlay).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + overlay + " failed");
            }
            List<JsonNode> objects = new ArrayList<>();
            YAML.readerFor(JsonNode.class).readValues(out).forEachRemaining(o -> objects.add((JsonNode) o));
            return List.copyOf(objects);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Topics of deploy/local/kafka/topics.conf: name → the rest of its line (partitions, configs). */
    static List<String[]> topicsConf() {
        try {
            return Files.readAllLines(root().resolve("deploy/local/kafka/topics.conf")).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("\\s+"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every Kafka topic a service's code uses: its SmallRye channels (a channel's topic defaults to
     * its name), dead-letter topics, and the constants of its {@code events/Topics.java}.
     */
    static Set<String> topicsUsedBy(String service) {
        Set<String> topics = new TreeSet<>();
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(root().resolve(service + "/src/main/resources/application.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> channelsWithTopic = new TreeSet<>();
        String deadLetters = props.getProperty("mp.messaging.connector.smallrye-kafka.dead-letter-queue.topic");
        if (deadLetters != null) {
            topics.add(deadLetters);
        }
        for (String key : props.stringPropertyNames()) {
            Matcher m = CHANNEL_KEY.matcher(key);
            if (!m.matches()) {
                continue;
            }
            switch (m.group(3)) {
                case "topic" -> {
                    // A topic chosen by configuration (the runner pool's) is one of the Topics.java constants below.
                    if (!props.getProperty(key).startsWith("${")) {
                        topics.add(props.getProperty(key));
                    }
                    channelsWithTopic.add(m.group(2));
                }
                case "dead-letter-queue.topic" -> topics.add(props.getProperty(key));
                default -> {}
            }
        }
        for (String key : props.stringPropertyNames()) {
            Matcher m = CHANNEL_KEY.matcher(key);
            if (m.matches() && m.group(3).equals("connector") && !channelsWithTopic.contains(m.group(2))) {
                topics.add(m.group(2));
            }
        }
        for (Path source : javaSources(service)) {
            if (source.toString().endsWith("/events/Topics.java")) {
                Matcher m = TOPIC_CONSTANT.matcher(read(source));
                while (m.find()) {
                    topics.add(m.group(1));
                }
            }
        }
        return topics;
    }

    /** The HTTP and WebSocket paths a service's code declares, and "/" when it serves static pages. */
    static Set<String> endpointsOf(String service) {
        Set<String> paths = new TreeSet<>();
        for (Path source : javaSources(service)) {
            String text = read(source);
            for (Pattern p : List.of(PATH, WEB_SOCKET)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    paths.add(m.group(1).startsWith("/") ? m.group(1) : "/" + m.group(1));
                }
            }
        }
        if (Files.exists(root().resolve(service + "/target/classes/META-INF/resources/index.html"))
                || Files.exists(root().resolve(service + "/src/main/resources/META-INF/resources/index.html"))) {
            paths.add("/");
        }
        return paths;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> javaSources(String service) {
        Path src = root().resolve(service + "/src/main/java");
        if (!Files.isDirectory(src)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(src)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
