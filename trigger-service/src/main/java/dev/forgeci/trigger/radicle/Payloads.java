package dev.forgeci.trigger.radicle;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What Radicle sends: webhooks (radicle.garden / webhooks adapter) and radicle-ci-broker's adapter
 * requests (protocol v1). Only the fields Forge CI uses are declared; the rest is ignored.
 */
public final class Payloads {

    private Payloads() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Person(String id, String alias) {
        /** How a run shows who started it: the alias when there is one, else the DID. */
        public String display() {
            return alias != null && !alias.isBlank() ? alias : id;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PatchState(String status) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Patch(String id, Person author, PatchState state, String before, String after) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name, @JsonProperty("clone_url") String cloneUrl, String seeder,
            List<String> delegates) {

        public boolean isDelegate(Person person) {
            return person != null && person.id() != null && delegates != null && delegates.contains(person.id());
        }
    }

    /** A webhook delivery; the event type comes from the {@code x-radicle-event-type} header. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Webhook(Person author, String before, String after, String branch, Patch patch, Repository repository,
            String context, @JsonProperty("commit_status_url") String commitStatusUrl) {
    }

    /** The one line radicle-ci-broker writes to its adapter's stdin. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BrokerRequest(String request, @JsonProperty("event_type") String eventType, Integer version, Person pusher,
            String before, String after, String branch, Patch patch, Repository repository) {
    }
}
