package dev.forgeci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/** Every overlay renders with kubectl kustomize into objects the API schema accepts, following the project's rules. */
class KustomizeOverlaysTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void everyObjectParsesStrictlyAgainstTheApiSchema(String overlay) {
        List<JsonNode> objects = Repository.render(overlay);
        assertThat(objects).hasSizeGreaterThan(30);
        objects.forEach(StrictModel::parse);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void everyContainerHasProbesRequestsAndLimits(String overlay) {
        for (Workload w : workloads(overlay)) {
            for (Container c : w.pod().getContainers()) {
                String where = w.name() + "/" + c.getName();
                assertThat(c.getLivenessProbe()).as(where + " liveness probe").isNotNull();
                assertThat(c.getReadinessProbe()).as(where + " readiness probe").isNotNull();
                assertThat(c.getResources().getRequests())
                        .as(where + " requests")
                        .containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(where + " limits").containsKey("memory");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "keda"})
    void onlyTheDockerEngineSidecarIsPrivileged(String overlay) {
        assertThat(privilegedContainers(overlay)).containsExactly("runner-controller/dind");
    }

    /** What a container runs as once the pod's security context and its own are merged, as the kubelet merges them. */
    private record Effective(
            long user,
            boolean nonRoot,
            boolean privileged,
            boolean escalation,
            boolean readOnlyRoot,
            boolean dropsAll,
            String seccomp) {}

    private static final Effective SERVICE = new Effective(185, true, false, false, true, true, "RuntimeDefault");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void everyContainersEffectiveSecurityContextIsTheOneItMustHave(String overlay) {
        boolean sysbox = overlay.equals("sysbox");
        Map<String, Effective> expected = Map.of(
                "trigger-service/trigger-service", SERVICE,
                "scheduler-service/scheduler-service", SERVICE,
                "log-gateway/log-gateway", SERVICE,
                "runner-controller/runner-controller", SERVICE,
                // dockerd must be root (else it never starts); privileged only where sysbox does not isolate it
                "runner-controller/dind", new Effective(0, false, !sysbox, true, false, false, "RuntimeDefault"),
                "runner-controller-untrusted/runner-controller", SERVICE,
                // the untrusted pool's engine is never privileged: it runs under sysbox or not at all
                "runner-controller-untrusted/dind",
                        new Effective(0, false, false, true, false, false, "RuntimeDefault"),
                "redis/redis", new Effective(999, true, false, false, true, true, "RuntimeDefault"));
        Map<String, Effective> actual = new HashMap<>();
        for (Workload w : workloads(overlay)) {
            List<Container> all = new ArrayList<>(w.pod().getContainers());
            all.addAll(w.pod().getInitContainers());
            for (Container c : all) {
                actual.put(w.name() + "/" + c.getName(), effective(w.pod(), c));
            }
        }
        assertThat(actual).isEqualTo(expected);
    }

    private static Effective effective(PodSpec pod, Container container) {
        var podContext = pod.getSecurityContext() != null
                ? pod.getSecurityContext()
                : new io.fabric8.kubernetes.api.model.PodSecurityContext();
        var own = container.getSecurityContext() != null
                ? container.getSecurityContext()
                : new io.fabric8.kubernetes.api.model.SecurityContext();
        Long user = own.getRunAsUser() != null ? own.getRunAsUser() : podContext.getRunAsUser();
        Boolean nonRoot = own.getRunAsNonRoot() != null ? own.getRunAsNonRoot() : podContext.getRunAsNonRoot();
        var seccomp = own.getSeccompProfile() != null ? own.getSeccompProfile() : podContext.getSeccompProfile();
        boolean privileged = Boolean.TRUE.equals(own.getPrivileged());
        // Kubernetes: allowPrivilegeEscalation is true unless set false (and always true when privileged).
        boolean escalation = privileged || !Boolean.FALSE.equals(own.getAllowPrivilegeEscalation());
        boolean dropsAll = own.getCapabilities() != null
                && own.getCapabilities().getDrop() != null
                && own.getCapabilities().getDrop().contains("ALL");
        return new Effective(
                user == null ? -1 : user,
                Boolean.TRUE.equals(nonRoot),
                privileged,
                escalation,
                Boolean.TRUE.equals(own.getReadOnlyRootFilesystem()),
                dropsAll,
                seccomp == null ? null : seccomp.getType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sysbox"})
    void theSysboxOverlayHasNoPrivilegedContainerAtAll(String overlay) {
        assertThat(privilegedContainers(overlay)).isEmpty();
        assertThat(deployment(overlay, "runner-controller")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getRuntimeClassName())
                .isEqualTo("sysbox-runc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void theUntrustedPoolTakesOnlyUntrustedJobsOnItsOwnSysboxNodesWithoutSecretsAndRunsOnlyWithSysbox(String overlay) {
        PodSpec pod = deployment(overlay, "runner-controller-untrusted")
                .getSpec()
                .getTemplate()
                .getSpec();
        Container controller = pod.getContainers().get(0);
        assertThat(controller.getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains("forge.controller.pool=untrusted", "forge.runner.isolation=sysbox");
        assertThat(pod.getRuntimeClassName()).isEqualTo("sysbox-runc");
        assertThat(pod.getNodeSelector()).containsEntry("forge-ci.dev/pool", "untrusted");
        assertThat(pod.getTolerations())
                .anyMatch(t -> "forge-ci.dev/pool".equals(t.getKey())
                        && "untrusted".equals(t.getValue())
                        && "NoSchedule".equals(t.getEffect()));
        assertThat(pod.getVolumes())
                .as("no secret of any kind in the untrusted pool's pod")
                .allMatch(v -> v.getSecret() == null);
        assertThat(controller.getEnvFrom()).allMatch(source -> source.getSecretRef() == null);
        // Only where the nodes have sysbox does the pool run; elsewhere an untrusted run stays queued.
        assertThat(deployment(overlay, "runner-controller-untrusted").getSpec().getReplicas())
                .isEqualTo(overlay.equals("sysbox") ? 1 : 0);
        assertThat(deployment(overlay, "runner-controller")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getTolerations())
                .as("trusted runners stay off the untrusted nodes")
                .isNullOrEmpty();
    }

    private static Deployment deployment(String overlay, String name) {
        return workloads(overlay).stream()
                .filter(w -> w.name().equals(name))
                .map(Workload::deployment)
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void servicePodsMountNoTokenAndCarryTheirLabels(String overlay) {
        for (Workload w : workloads(overlay)) {
            assertThat(w.pod().getAutomountServiceAccountToken())
                    .as(w.name() + " token automount")
                    .isFalse();
            Map<String, String> labels = w.podLabels();
            assertThat(labels)
                    .as(w.name() + " labels")
                    .containsEntry("app", w.name())
                    .containsEntry("app.kubernetes.io/part-of", "forge-ci");
        }
        for (String service : Repository.SERVICES) {
            Workload w = workloads(overlay).stream()
                    .filter(x -> x.name().equals(service))
                    .findFirst()
                    .orElseThrow();
            assertThat(w.pod().getContainers().get(0).getImage())
                    .as("image of " + service)
                    .startsWith("forge-ci/" + service + ":");
            assertThat(w.podAnnotations())
                    .as(service + " scrape annotations")
                    .containsEntry("prometheus.io/path", "/q/metrics");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "sysbox", "keda"})
    void noSecretIsEmbedded(String overlay) {
        List<JsonNode> objects = Repository.render(overlay);
        assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("Secret"));
        for (Workload w : workloads(overlay)) {
            w.pod()
                    .getContainers()
                    .forEach(c -> c.getEnv().stream()
                            .filter(e ->
                                    e.getName().contains("token") || e.getName().contains("secret"))
                            .forEach(e -> assertThat(e.getValueFrom())
                                    .as(w.name() + " " + e.getName() + " comes from a Secret")
                                    .isNotNull()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheCodeUsesHasAKafkaTopicMatchingTopicsConf(String overlay) {
        Map<String, KafkaTopic> declared = Repository.render(overlay).stream()
                .filter(o -> o.path("kind").asText().equals("KafkaTopic"))
                .map(o -> (KafkaTopic) StrictModel.parse(o))
                .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
        Set<String> used = new TreeSet<>();
        Repository.SERVICES.forEach(s -> used.addAll(Repository.topicsUsedBy(s)));
        assertThat(used).as("topics used by the code").isNotEmpty();
        assertThat(declared.keySet()).containsAll(used);

        for (String[] line : Repository.topicsConf()) {
            KafkaTopic topic = declared.get(line[0]);
            assertThat(topic).as("KafkaTopic " + line[0]).isNotNull();
            assertThat(topic.getSpec().getPartitions()).isEqualTo(Integer.parseInt(line[1]));
            for (int i = 2; i < line.length; i++) {
                String[] kv = line[i].split("=", 2);
                assertThat(String.valueOf(topic.getSpec().getConfig().get(kv[0])))
                        .as(line[0] + " " + kv[0])
                        .isEqualTo(kv[1]);
            }
        }
        assertThat(declared).hasSize(Repository.topicsConf().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyIngressPathMatchesAnEndpointItsServiceServes(String overlay) {
        List<HTTPIngressPath> paths = new ArrayList<>();
        Repository.render(overlay).stream()
                .filter(o -> o.path("kind").asText().equals("Ingress"))
                .map(o -> (Ingress) StrictModel.parse(o))
                .forEach(i -> i.getSpec()
                        .getRules()
                        .forEach(r -> paths.addAll(r.getHttp().getPaths())));
        assertThat(paths)
                .extracting(HTTPIngressPath::getPath)
                .contains("/api/triggers", "/api/hooks", "/api/runs", "/api/logs", "/ws", "/");
        Map<String, Set<String>> endpoints = new HashMap<>();
        for (HTTPIngressPath path : paths) {
            String service = path.getBackend().getService().getName();
            Set<String> served = endpoints.computeIfAbsent(service, Repository::endpointsOf);
            String prefix = path.getPath();
            assertThat(served)
                    .as(prefix + " routed to " + service + " which serves " + served)
                    .anyMatch(e -> prefix.equals("/") ? e.equals("/") : e.equals(prefix) || e.startsWith(prefix + "/"));
        }
    }

    private static List<String> privilegedContainers(String overlay) {
        List<String> privileged = new ArrayList<>();
        for (Workload w : workloads(overlay)) {
            List<Container> all = new ArrayList<>(w.pod().getContainers());
            all.addAll(w.pod().getInitContainers());
            for (Container c : all) {
                if (c.getSecurityContext() != null
                        && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())) {
                    privileged.add(w.name() + "/" + c.getName());
                }
            }
        }
        return privileged;
    }

    private static List<Workload> workloads(String overlay) {
        List<Workload> workloads = new ArrayList<>();
        for (JsonNode o : Repository.render(overlay)) {
            Object parsed = switch (o.path("kind").asText()) {
                case "Deployment", "StatefulSet" -> StrictModel.parse(o);
                default -> null;
            };
            if (parsed instanceof Deployment d) {
                workloads.add(new Workload(
                        d.getMetadata().getName(),
                        d.getSpec().getTemplate().getSpec(),
                        d.getSpec().getTemplate().getMetadata().getLabels(),
                        d.getSpec().getTemplate().getMetadata().getAnnotations(),
                        d));
            } else if (parsed instanceof StatefulSet s) {
                workloads.add(new Workload(
                        s.getMetadata().getName(),
                        s.getSpec().getTemplate().getSpec(),
                        s.getSpec().getTemplate().getMetadata().getLabels(),
                        s.getSpec().getTemplate().getMetadata().getAnnotations(),
                        null));
            }
        }
        assertThat(workloads).as("workloads of " + overlay).isNotEmpty();
        return workloads;
    }

    private record Workload(
            String name,
            PodSpec pod,
            Map<String, String> podLabels,
            Map<String, String> podAnnotations,
            Deployment deployment) {}
}
