package dev.forgeci.trigger.radicle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.run.FieldError;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRequest;
import dev.forgeci.trigger.run.TriggerRequest.Kind;

/**
 * Turns Radicle's pushes and patches — from a webhook or from radicle-ci-broker — into trigger
 * requests, validating every identifier and URL at the edge. A push or patch is trusted when its
 * author is a delegate of the repository; otherwise it runs without secrets.
 */
@ApplicationScoped
public class RadicleTriggers {

    private static final String DEFAULT_CONTEXT = "forge-ci";
    private static final Set<String> CLOSED_PATCH_STATES = Set.of("merged", "archived");
    /** A peer's copy of a ref, as a push to one's own node names it; the ref itself is what follows. */
    private static final Pattern PEER_NAMESPACE = Pattern.compile("^refs/namespaces/[^/]+/(?=refs/)");

    private final Seeds seeds;

    public RadicleTriggers(Seeds seeds) {
        this.seeds = seeds;
    }

    /** Where a Radicle event came from: what a webhook adds (status callback, clone URL) or not. */
    /** Where an event came from, and what it becomes once read. */
    private record Origin(String requestId, String statusUrl, String statusContext, String nodeId, String cloneUrl) {

        Admission admit(
                Kind kind,
                Payloads.Person actor,
                Payloads.Repository repository,
                String rid,
                String patchId,
                String commit,
                String ref,
                String branch,
                TriggerRequest.Event event) {
            return new Admission.Admit(new TriggerRequest(
                    kind,
                    actor == null ? null : actor.display(),
                    repository.isDelegate(actor),
                    requestId,
                    patchId,
                    statusUrl,
                    statusContext,
                    nodeId,
                    rid,
                    repository.name(),
                    cloneUrl,
                    commit,
                    ref,
                    branch,
                    null,
                    event));
        }
    }

    public Admission fromWebhook(Payloads.Webhook hook, String eventType, String requestId) {
        Payloads.Repository repository = hook.event().repository();
        List<FieldError> errors = new ArrayList<>();
        String rid = repositoryId(repository, errors);
        String type = eventType != null
                ? eventType.toLowerCase(Locale.ROOT)
                : hook.event().patch() != null ? "patch" : "push";
        if (!type.equals("push") && !type.equals("patch")) {
            return new Admission.Ignore("`" + eventType + "` events do not start runs; only push and patch do");
        }
        String cloneUrl = null;
        if (repository != null && repository.cloneUrl() != null) {
            cloneUrl = allowed(repository.cloneUrl(), "repository.clone_url");
        } else if (rid != null) {
            cloneUrl = seeds.cloneUrl(seeds.defaultUrl(), rid);
        }
        String statusUrl = hook.commitStatusUrl() == null ? null : allowed(hook.commitStatusUrl(), "commit_status_url");
        Origin origin = new Origin(
                requestId,
                statusUrl,
                hook.context() == null ? DEFAULT_CONTEXT : hook.context(),
                repository == null ? null : repository.seeder(),
                cloneUrl);
        return type.equals("push")
                ? push(hook.author(), hook.event(), rid, origin, errors)
                : patch(repository, rid, hook.event().patch(), null, origin, errors);
    }

    public Admission fromBroker(Payloads.BrokerRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (!"trigger".equals(request.request())) {
            errors.add(new FieldError(
                    "request", "only `trigger` requests are understood, not `" + request.request() + "`"));
        }
        if (request.version() == null || request.version() != 1) {
            errors.add(new FieldError("version", "only version 1 of the adapter protocol is understood"));
        }
        String rid = repositoryId(request.event().repository(), errors);
        Origin origin = new Origin(
                UUID.randomUUID().toString(),
                null,
                null,
                null,
                rid == null ? null : seeds.cloneUrl(seeds.defaultUrl(), rid));
        // Read as leniently as the broker writes: its documentation says "push", live messages have said "Push".
        String type = request.eventType() == null ? null : request.eventType().toLowerCase(Locale.ROOT);
        if ("push".equals(type)) {
            return push(request.pusher(), request.event(), rid, origin, errors);
        }
        if ("patch".equals(type)) {
            return patch(request.event().repository(), rid, request.event().patch(), request.action(), origin, errors);
        }
        errors.add(new FieldError("event_type", "must be push or patch, not `" + request.eventType() + "`"));
        throw new TriggerRejected(errors);
    }

    /**
     * A push names its branch, or its full ref: {@code refs/heads/<branch>} or {@code refs/tags/<tag>}
     * (in {@code ref}, or in {@code branch} where a sender has only that field), also as a peer's
     * {@code refs/namespaces/<nid>/refs/…}: Radicle's canonical tags (1.3+) are pushed that way.
     */
    private Admission push(
            Payloads.Person pusher, Payloads.Event push, String rid, Origin origin, List<FieldError> errors) {
        Payloads.Repository repository = push.repository();
        String branch = push.branch();
        String ref = push.ref();
        String before = push.before();
        String after = push.after();
        if (ref == null && branch != null && branch.startsWith("refs/")) {
            ref = branch;
            branch = null;
        }
        ref = ref == null ? null : PEER_NAMESPACE.matcher(ref).replaceFirst("");
        String tag = null;
        if (ref != null && ref.startsWith("refs/tags/")) {
            tag = ref.substring("refs/tags/".length());
            String shown = tag;
            Identifiers.refProblem(ref)
                    .ifPresent(problem ->
                            errors.add(new FieldError("ref", "`" + shown + "` is not a valid tag: " + problem)));
            branch = null;
        } else {
            if (branch == null && ref != null && ref.startsWith("refs/heads/")) {
                branch = ref.substring("refs/heads/".length());
            }
            String named = branch;
            Identifiers.branchProblem(branch)
                    .ifPresent(problem -> errors.add(
                            new FieldError("branch", "`" + named + "` is not a valid branch name: " + problem)));
        }
        if (Identifiers.isZero(after) && errors.isEmpty()) {
            return new Admission.Ignore("the push deleted " + (tag != null ? "tag " + tag : "branch " + branch)
                    + "; there is nothing to run");
        }
        if (!Identifiers.isCommit(after)) {
            errors.add(new FieldError("after", "must be a commit id (40 hexadecimal digits), not `" + after + "`"));
        }
        if (before != null && !Identifiers.isCommit(before)) {
            errors.add(new FieldError("before", "must be a commit id (40 hexadecimal digits), not `" + before + "`"));
        }
        if (!errors.isEmpty()) {
            throw new TriggerRejected(errors);
        }
        String fullRef = tag != null ? "refs/tags/" + tag : "refs/heads/" + branch;
        TriggerRequest.Event event = new TriggerRequest.Event(
                GitHubEvents.push(repository, pusher, fullRef, before, after, push.commits()),
                tag,
                null,
                null,
                before,
                null,
                GitHubEvents.changedFiles(push.commits()),
                null,
                null,
                null,
                null);
        return origin.admit(Kind.PUSH, pusher, repository, rid, null, after, fullRef, branch, event);
    }

    private Admission patch(
            Payloads.Repository repository,
            String rid,
            Payloads.Patch patch,
            String action,
            Origin origin,
            List<FieldError> errors) {
        if (patch == null) {
            errors.add(new FieldError("patch", "a patch event needs its patch"));
            throw new TriggerRejected(errors);
        }
        if (!Identifiers.isPatchId(patch.id())) {
            errors.add(
                    new FieldError("patch.id", "must be a patch id (40 hexadecimal digits), not `" + patch.id() + "`"));
        }
        if (!Identifiers.isCommit(patch.after())) {
            errors.add(new FieldError(
                    "patch.after", "must be a commit id (40 hexadecimal digits), not `" + patch.after() + "`"));
        }
        String author = patch.author() == null ? null : patch.author().id();
        String nid = Identifiers.nodeId(author).orElse(null);
        if (nid == null) {
            errors.add(new FieldError("patch.author.id", "must be a did:key of a Radicle node, not `" + author + "`"));
        }
        if (!errors.isEmpty()) {
            throw new TriggerRejected(errors);
        }
        String status = patch.state() == null || patch.state().status() == null
                ? "open"
                : patch.state().status().toLowerCase(Locale.ROOT);
        if (CLOSED_PATCH_STATES.contains(status)) {
            return new Admission.Ignore("patch " + patch.id() + " is " + status + "; only open patches start runs");
        }
        String ref = "refs/namespaces/" + nid + "/refs/heads/patches/" + patch.id();
        Payloads.Revision latest = GitHubEvents.latest(patch);
        // The base: the revision's, else the broker's `target` where it is a commit (live messages), else `before`.
        String base = latest != null && Identifiers.isCommit(latest.base())
                ? latest.base()
                : Identifiers.isCommit(patch.target())
                        ? patch.target()
                        : Identifiers.isCommit(patch.before()) ? patch.before() : null;
        String activity = GitHubEvents.activity(action, patch);
        String head = "patches/" + patch.id();
        TriggerRequest.Event event = new TriggerRequest.Event(
                GitHubEvents.pullRequest(repository, patch, activity, base, head),
                null,
                GitHubEvents.defaultBranch(repository),
                activity,
                patch.before(),
                base,
                GitHubEvents.changedFiles(patch.commits()),
                null,
                null,
                null,
                null);
        return origin.admit(Kind.PATCH, patch.author(), repository, rid, patch.id(), patch.after(), ref, null, event);
    }

    private static String repositoryId(Payloads.Repository repository, List<FieldError> errors) {
        String rid = repository == null ? null : repository.id();
        if (!Identifiers.isRepositoryId(rid)) {
            errors.add(new FieldError("repository.id", "must be a Radicle repository id (rad:z…), not `" + rid + "`"));
            return null;
        }
        return rid;
    }

    private String allowed(String url, String field) {
        seeds.refusal(url).ifPresent(reason -> {
            throw new TriggerRejected(TriggerRejected.Reason.SEED_NOT_ALLOWED, field + ": " + reason);
        });
        return url;
    }
}
