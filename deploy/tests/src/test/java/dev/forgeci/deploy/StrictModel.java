package dev.forgeci.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/**
 * Parses rendered manifests into the Kubernetes (fabric8) and Strimzi models and rejects anything
 * the API schema does not know: both model families keep unknown fields in an
 * "additionalProperties" map instead of failing, so every parsed object is walked for them.
 */
final class StrictModel {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The objects Forge CI deploys, by apiVersion and kind; anything else is refused. */
    private static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("node.k8s.io/v1/RuntimeClass", RuntimeClass.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", KedaScaledObject.class));

    private StrictModel() {}

    /** The typed object, or an AssertionError naming the object and every unknown field. */
    static Object parse(JsonNode manifest) {
        String type = manifest.path("apiVersion").asText() + "/"
                + manifest.path("kind").asText();
        String name = type + " " + manifest.path("metadata").path("name").asText();
        Class<?> modelClass = TYPES.get(type);
        if (modelClass == null) {
            throw new AssertionError(name + ": not a kind Forge CI knows how to check");
        }
        Object parsed;
        try {
            parsed = JSON.treeToValue(manifest, modelClass);
        } catch (Exception e) {
            throw new AssertionError(name + " does not match the API schema: " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        collectUnknown(parsed, "", unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        if (!unknown.isEmpty()) {
            throw new AssertionError(name + " has fields the API schema does not define: " + unknown);
        }
        return parsed;
    }

    private static void collectUnknown(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null || !isModel(value.getClass()) || !seen.add(value)) {
            if (value instanceof Collection<?> items) {
                int i = 0;
                for (Object item : items) {
                    collectUnknown(item, path + "[" + i++ + "]", unknown, seen);
                }
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown, seen));
            }
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
                continue;
            }
            collectUnknown(child, path + "." + propertyName(getter), unknown, seen);
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        // KEDA's records need no walk: records have no catch-all map, so unknown fields already fail.
        return name.startsWith("io.fabric8.kubernetes.api.model") || name.startsWith("io.strimzi.api");
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }

    private static String propertyName(Method getter) {
        String n = getter.getName().startsWith("is")
                ? getter.getName().substring(2)
                : getter.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
