package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A normalized job as it travels on {@code run-requested} and {@code job-dispatched}: the workflow's
 * {@code env} is already merged into {@code env} (the job's own values win), {@code secrets} are the
 * names the job may receive, and {@code condition} is one of success, failure, always, cancelled.
 */
public record Job(String id, String name, List<String> needs, @JsonProperty("if") String condition, int timeoutMinutes,
        boolean continueOnError, Map<String, String> env, List<String> secrets, List<Step> steps) {

    public Job withoutSecrets() {
        return new Job(id, name, needs, condition, timeoutMinutes, continueOnError, env, List.of(), steps);
    }
}
