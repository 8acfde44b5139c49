package dev.forgeci.trigger.status;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body POSTed to a webhook's commit_status_url (fixture commit-status.json); state is running, success or failure. */
public record CommitStatus(
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("repo_id") String repoId,
        String sha,
        String context,
        String state,
        @JsonProperty("target_url") String targetUrl) {}
