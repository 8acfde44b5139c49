import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Waits until the local broker answers, then creates every topic of topics.conf that is missing.
 * Run with the broker's own jars: java -cp 'libs/*' Topics.java BOOTSTRAP topics.conf TIMEOUT_SECONDS
 */
public class Topics {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path spec = Path.of(args[1]);
        Instant deadline = Instant.now().plusSeconds(Long.parseLong(args[2]));

        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = null;
            while (existing == null) {
                try {
                    existing = admin.listTopics().names().get();
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        System.err.println("Kafka at " + bootstrap + " did not answer in time: " + notYet.getMessage());
                        System.exit(1);
                    }
                    Thread.sleep(200);
                }
            }
            List<NewTopic> missing = new ArrayList<>();
            for (String line : Files.readAllLines(spec)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                if (existing.contains(fields[0])) {
                    continue;
                }
                Map<String, String> configs = new HashMap<>();
                for (int i = 2; i < fields.length; i++) {
                    String[] kv = fields[i].split("=", 2);
                    configs.put(kv[0], kv[1]);
                }
                missing.add(new NewTopic(fields[0], Integer.parseInt(fields[1]), (short) 1).configs(configs));
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            System.out.println("topics ready (" + missing.size() + " created)");
        }
    }
}
