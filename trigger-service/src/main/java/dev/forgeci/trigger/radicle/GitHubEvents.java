package dev.forgeci.trigger.radicle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Radicle's events shaped as the GitHub event payloads workflows read as {@code github.event}: a
 * push as {@code push} (at most the last 20 commits, as GitHub's webhooks cap them), a patch as
 * {@code pull_request} (a patch has no number; {@code head} is its latest revision, {@code base}
 * the commit it is based on and the repository's default branch). Every text is capped so a
 * payload stays small enough to travel with every job.
 */
public final class GitHubEvents {

    static final int MAX_COMMITS = 20;
    private static final int MAX_TEXT = 4096;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private GitHubEvents() {}

    static ObjectNode push(
            Payloads.Repository repository,
            Payloads.Person pusher,
            String ref,
            String before,
            String after,
            List<Payloads.Commit> commits) {
        ObjectNode event = JSON.objectNode();
        event.put("ref", ref);
        event.put("before", before);
        event.put("after", after);
        event.put("created", Identifiers.isZero(before));
        event.put("deleted", false);
        event.put("forced", false);
        ArrayNode list = event.putArray("commits");
        List<Payloads.Commit> all = commits == null ? List.of() : commits;
        List<Payloads.Commit> last = all.size() > MAX_COMMITS ? all.subList(all.size() - MAX_COMMITS, all.size()) : all;
        last.forEach(commit -> list.add(commit(commit)));
        event.set("head_commit", last.isEmpty() ? JSON.nullNode() : list.get(list.size() - 1));
        event.set("pusher", person(pusher));
        event.set("sender", person(pusher));
        event.set("repository", repository(repository));
        return event;
    }

    static ObjectNode pullRequest(
            Payloads.Repository repository, Payloads.Patch patch, String action, String base, String head) {
        ObjectNode event = JSON.objectNode();
        event.put("action", action);
        event.putNull("number");
        ObjectNode pr = event.putObject("pull_request");
        pr.put("id", patch.id());
        pr.putNull("number");
        pr.put("title", cap(patch.title()));
        Payloads.Revision latest = latest(patch);
        pr.put("body", latest == null ? null : cap(latest.description()));
        pr.put("state", "open");
        pr.put(
                "draft",
                patch.state() != null && "draft".equalsIgnoreCase(patch.state().status()));
        pr.putObject("head").put("sha", patch.after()).put("ref", head).put("label", head);
        pr.putObject("base")
                .put("sha", base)
                .put("ref", defaultBranch(repository))
                .put("label", defaultBranch(repository));
        pr.set("user", person(patch.author()));
        ArrayNode labels = pr.putArray("labels");
        if (patch.labels() != null) {
            patch.labels().stream()
                    .limit(50)
                    .forEach(label -> labels.addObject().put("name", cap(label)));
        }
        event.set("sender", person(patch.author()));
        event.set("repository", repository(repository));
        return event;
    }

    /** The revision a patch is at now; its base is what the patch is compared with. */
    static Payloads.Revision latest(Payloads.Patch patch) {
        return patch.revisions() == null || patch.revisions().isEmpty()
                ? null
                : patch.revisions().get(patch.revisions().size() - 1);
    }

    /** GitHub's activity of a patch event: a patch with one revision was opened, with more it was updated. */
    static String activity(String action, Payloads.Patch patch) {
        if (action != null) {
            String lower = action.toLowerCase(Locale.ROOT);
            if (lower.equals("created") || lower.equals("opened")) {
                return "opened";
            }
            if (lower.equals("updated") || lower.equals("synchronize")) {
                return "synchronize";
            }
        }
        return patch.revisions() != null && patch.revisions().size() > 1 ? "synchronize" : "opened";
    }

    /** The files the commits changed, in order, once each; null when the sender did not list them. */
    static List<String> changedFiles(List<Payloads.Commit> commits) {
        if (commits == null || commits.isEmpty() || commits.stream().anyMatch(c -> !c.listsFiles())) {
            return null;
        }
        Set<String> files = new LinkedHashSet<>();
        for (Payloads.Commit commit : commits) {
            for (List<String> list :
                    new ArrayList<>(java.util.Arrays.asList(commit.added(), commit.modified(), commit.removed()))) {
                if (list != null) {
                    files.addAll(list);
                }
            }
        }
        return List.copyOf(files);
    }

    static String defaultBranch(Payloads.Repository repository) {
        return repository == null
                        || repository.defaultBranch() == null
                        || repository.defaultBranch().isBlank()
                ? "main"
                : repository.defaultBranch();
    }

    private static ObjectNode commit(Payloads.Commit commit) {
        ObjectNode node = JSON.objectNode();
        node.put("id", commit.id());
        node.put("message", cap(commit.message() != null ? commit.message() : commit.title()));
        node.put("timestamp", commit.timestamp());
        node.put("url", commit.url());
        if (commit.author() != null) {
            node.putObject("author")
                    .put("name", cap(commit.author().name()))
                    .put("email", cap(commit.author().email()));
        }
        for (String kind : List.of("added", "modified", "removed")) {
            List<String> files = kind.equals("added")
                    ? commit.added()
                    : kind.equals("modified") ? commit.modified() : commit.removed();
            ArrayNode list = node.putArray(kind);
            if (files != null) {
                files.stream().limit(300).forEach(list::add);
            }
        }
        return node;
    }

    private static ObjectNode person(Payloads.Person person) {
        ObjectNode node = JSON.objectNode();
        if (person != null) {
            node.put("login", cap(person.display()));
            node.put("name", cap(person.display()));
            node.put("id", person.id());
        }
        return node;
    }

    static ObjectNode repository(Payloads.Repository repository) {
        ObjectNode node = JSON.objectNode();
        if (repository != null) {
            node.put("id", repository.id());
            node.put("name", cap(repository.name()));
            node.put("full_name", cap(repository.name()));
            node.put("description", cap(repository.description()));
            node.put("default_branch", defaultBranch(repository));
            node.put("clone_url", repository.cloneUrl());
            node.put("private", false);
        }
        return node;
    }

    private static String cap(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }
}
