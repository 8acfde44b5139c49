package dev.forgeci.deploy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The part of KEDA's ScaledObject (keda.sh/v1alpha1) schema Forge CI uses; parsed with unknown
 * fields refused, since no published Java model of KEDA is at hand.
 */
record KedaScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(
            ScaleTarget scaleTargetRef,
            Integer pollingInterval,
            Integer cooldownPeriod,
            Integer minReplicaCount,
            Integer maxReplicaCount,
            List<Trigger> triggers) {}

    record ScaleTarget(String apiVersion, String kind, String name) {}

    record Trigger(String type, String name, Map<String, String> metadata) {}
}
