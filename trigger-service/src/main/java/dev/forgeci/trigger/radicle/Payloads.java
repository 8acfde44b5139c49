package dev.forgeci.trigger.radicle;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What Radicle sends: webhooks (radicle.garden / webhooks adapter) and radicle-ci-broker's adapter
 * requests (protocol v1). Only the fields Forge CI uses are declared; the rest is ignored. A
 * webhook lists each commit with its changed files; the broker lists commit ids only.
 */
public final class Payloads {

    private Payloads() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Person(String id, String alias, String name, String email) {
        /** How a run shows who started it: the alias when there is one, else the DID. */
        public String display() {
            return alias != null && !alias.isBlank() ? alias : id;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PatchState(String status) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Revision(String id, String base, String oid, String description) {}

    /** A commit as a webhook describes it; the broker sends the id alone (read as a plain string). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Commit(
            String id,
            String title,
            String message,
            String timestamp,
            String url,
            Person author,
            List<String> added,
            List<String> modified,
            List<String> removed) {

        @com.fasterxml.jackson.annotation.JsonCreator(
                mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static Commit ofId(String id) {
            return new Commit(id, null, null, null, null, null, null, null, null);
        }

        /** Whether the sender listed the files this commit changed. */
        public boolean listsFiles() {
            return added != null || modified != null || removed != null;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Patch(
            String id,
            Person author,
            String title,
            PatchState state,
            String before,
            String after,
            List<Commit> commits,
            List<String> labels,
            List<Revision> revisions,
            String target) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(
            String id,
            String name,
            String description,
            @JsonProperty("clone_url") String cloneUrl,
            String seeder,
            @JsonProperty("default_branch") String defaultBranch,
            List<String> delegates) {

        public boolean isDelegate(Person person) {
            return person != null && person.id() != null && delegates != null && delegates.contains(person.id());
        }
    }

    /**
     * A webhook delivery; the event type comes from the {@code x-radicle-event-type} header. A push
     * names its {@code branch}, or its full {@code ref} ({@code refs/tags/v1} for a tag).
     */
    /**
     * What a webhook and a broker request both say of a push or a patch, under the same field
     * names in both; each payload has it inline ({@code @JsonUnwrapped}), beside its own fields.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(
            String before,
            String after,
            String branch,
            String ref,
            List<Commit> commits,
            Patch patch,
            Repository repository) {}

    /**
     * A webhook delivery; the event type comes from the {@code x-radicle-event-type} header. A push
     * names its {@code branch}, or its full {@code ref} ({@code refs/tags/v1} for a tag).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Webhook(
            Person author,
            @JsonUnwrapped Event event,
            String context,
            @JsonProperty("commit_status_url") String commitStatusUrl) {}

    /** The one line radicle-ci-broker writes to its adapter's stdin. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BrokerRequest(
            String request,
            @JsonProperty("event_type") String eventType,
            Integer version,
            String action,
            Person pusher,
            @JsonUnwrapped Event event) {}
}
