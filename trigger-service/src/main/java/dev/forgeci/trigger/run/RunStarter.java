package dev.forgeci.trigger.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.config.ForgeConfig.NonDelegatePolicy;
import dev.forgeci.trigger.events.RunRequested;
import dev.forgeci.trigger.infra.GitWorkflowReader;
import dev.forgeci.trigger.infra.GitWorkflowReader.WorkflowFile;
import dev.forgeci.trigger.infra.RemoteWorkflows;
import dev.forgeci.trigger.infra.RunNumbers;
import dev.forgeci.trigger.messaging.RunRequestedPublisher;
import dev.forgeci.trigger.run.Outcome.SkippedWorkflow;
import dev.forgeci.trigger.run.Outcome.StartedRun;
import dev.forgeci.trigger.run.TriggerRequest.Kind;
import dev.forgeci.trigger.schedule.ScheduleEntry;
import dev.forgeci.trigger.schedule.ScheduleStore;
import dev.forgeci.trigger.status.RunLinks;
import dev.forgeci.trigger.workflow.CompiledWorkflow;
import dev.forgeci.trigger.workflow.Cron;
import dev.forgeci.trigger.workflow.RunPlan;
import dev.forgeci.trigger.workflow.Triggers;
import dev.forgeci.trigger.workflow.WorkflowCompiler;
import dev.forgeci.trigger.workflow.WorkflowError;
import dev.forgeci.trigger.workflow.WorkflowInvalidException;
import io.quarkus.logging.Log;

/**
 * Turns a validated trigger into runs: reads the workflows (inline, or at the commit from the
 * seed), compiles all of them, keeps those whose {@code on} matches the event, evaluates what the
 * event decides (run-name, concurrency, matrices, runs-on) and records one {@code run-requested} per
 * workflow. Returns only after Kafka acknowledged them all.
 */
@ApplicationScoped
public class RunStarter {

    /** Below Kafka's default 1 MiB record limit, with room for the envelope. */
    static final int MAX_RECORD_BYTES = 900 * 1024;

    private final GitWorkflowReader git;
    private final WorkflowCompiler compiler = new WorkflowCompiler();
    private final RunRequestedPublisher publisher;
    private final RunNumbers runNumbers;
    private final ScheduleStore schedules;
    private final ObjectMapper json;
    private final ForgeConfig config;
    private final RunLinks links;
    private final RemoteWorkflows remoteWorkflows;

    public RunStarter(
            GitWorkflowReader git,
            RunRequestedPublisher publisher,
            RunNumbers runNumbers,
            ScheduleStore schedules,
            ObjectMapper json,
            ForgeConfig config,
            RunLinks links,
            RemoteWorkflows remoteWorkflows) {
        this.links = links;
        this.remoteWorkflows = remoteWorkflows;
        this.git = git;
        this.publisher = publisher;
        this.runNumbers = runNumbers;
        this.schedules = schedules;
        this.json = json;
        this.config = config;
    }

    public Outcome start(TriggerRequest request) {
        NonDelegatePolicy policy = config.patches().nonDelegateIn(request.repositoryId());
        if (!request.trusted() && policy == NonDelegatePolicy.IGNORE) {
            Log.infof(
                    "%s of %s not run: its author is not a delegate",
                    request.kind().wire(), request.repositoryId());
            return Outcome.ignored(
                    "the " + request.kind().wire() + "'s author is not a delegate of " + request.repositoryId()
                            + ", and this server does not run " + request.kind().wire() + "es from non-delegates");
        }
        String commit = request.commit();
        List<WorkflowFile> files;
        CalledFiles called;
        if (request.inline() != null) {
            if (commit == null) {
                commit = git.resolve(request.cloneUrl(), request.ref());
            }
            String text = request.inline().text();
            files = List.of(new WorkflowFile(request.inline().file(), text, text.length()));
            String at = commit;
            String cloneUrl = request.cloneUrl();
            called = new CalledFiles(() -> git.read(cloneUrl, at, null).files(), remoteWorkflows);
        } else {
            GitWorkflowReader.Snapshot snapshot = git.read(request.cloneUrl(), commit, request.ref());
            commit = snapshot.commit();
            called = new CalledFiles(snapshot::files, remoteWorkflows);
            files = named(snapshot.files(), request);
            if (files.isEmpty()) {
                throw new TriggerRejected(
                        TriggerRejected.Reason.NO_WORKFLOWS,
                        request.repositoryId() + " has no workflow at commit " + commit + ": add a file "
                                + String.join("<name>.yml or ", GitWorkflowReader.DIRECTORIES) + "<name>.yml");
            }
        }
        request = request.withCommit(commit);

        List<CompiledWorkflow> workflows = compileAll(files, called);
        registerSchedules(request, workflows);
        List<SkippedWorkflow> skipped = new ArrayList<>();
        List<CompiledWorkflow> running = new ArrayList<>();
        Changes changes = new Changes(request);
        for (CompiledWorkflow workflow : workflows) {
            Optional<String> rejection = rejection(request, workflow.on(), changes);
            if (rejection.isPresent()) {
                skipped.add(new SkippedWorkflow(workflow.name(), workflow.file(), rejection.get()));
            } else {
                running.add(workflow);
            }
        }
        if (running.isEmpty()) {
            return new Outcome(
                    commit,
                    List.of(),
                    null,
                    skipped,
                    "no workflow runs on this " + request.kind().wire());
        }
        List<RunRequested> runs = requests(request, running, !request.trusted() && policy == NonDelegatePolicy.APPROVE);
        publisher.publish(runs);
        List<StartedRun> started = new ArrayList<>();
        for (RunRequested run : runs) {
            started.add(new StartedRun(
                    run.runId(), run.workflow().name(), run.workflow().file()));
            Log.infof(
                    "run %s requested: workflow %s of %s at %s (%s by %s, %s)",
                    run.runId(),
                    run.workflow().name(),
                    request.repositoryId(),
                    commit,
                    request.kind().wire(),
                    request.actor(),
                    request.trusted() ? "trusted" : "untrusted");
        }
        return new Outcome(commit, started, runs.get(0).trigger().infoUrl(), skipped, null);
    }

    /** A manual run or a schedule may name the one workflow file to run. */
    private static List<WorkflowFile> named(List<WorkflowFile> files, TriggerRequest request) {
        String file = request.event() == null ? null : request.event().workflowFile();
        if (file == null) {
            return files;
        }
        List<WorkflowFile> named =
                files.stream().filter(f -> f.path().equals(file)).toList();
        if (named.isEmpty()) {
            throw new TriggerRejected(
                    TriggerRejected.Reason.NOT_FOUND,
                    "the commit has no workflow file " + file + "; it has "
                            + String.join(
                                    ", ", files.stream().map(WorkflowFile::path).toList()));
        }
        return named;
    }

    /** Compiles every file; all problems of all files are reported together. */
    private List<CompiledWorkflow> compileAll(List<WorkflowFile> files, CalledFiles called) {
        List<CompiledWorkflow> workflows = new ArrayList<>();
        List<WorkflowError> errors = new ArrayList<>();
        for (WorkflowFile file : files) {
            try {
                if (file.text() == null) {
                    errors.add(WorkflowCompiler.tooLarge(file.path(), file.size()));
                } else {
                    workflows.add(compiler.compile(file.path(), file.text(), called));
                }
            } catch (WorkflowInvalidException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new WorkflowInvalidException(errors);
        }
        return workflows;
    }

    /** Why the workflow does not run on this event, or empty when it does (a manual run always does). */
    private Optional<String> rejection(TriggerRequest request, Triggers on, Changes changes) {
        return switch (request.kind()) {
            case PUSH -> {
                Optional<String> without =
                        on.rejectsPush(request.branch(), request.event().tag(), null);
                yield without.isPresent()
                        ? without
                        : on.rejectsPush(request.branch(), request.event().tag(), changes.files(on));
            }
            case PATCH -> {
                TriggerRequest.Event event = request.event();
                Optional<String> without = on.rejectsPatch(event.baseBranch(), event.type(), null);
                yield without.isPresent()
                        ? without
                        : on.rejectsPatch(event.baseBranch(), event.type(), changes.files(on));
            }
            case MANUAL -> Optional.empty();
            case SCHEDULE ->
                on.schedules().stream()
                                .anyMatch(cron ->
                                        cron.expression().equals(request.event().cron()))
                        ? Optional.empty()
                        : Optional.of("its `on.schedule` no longer has `"
                                + request.event().cron() + "`");
        };
    }

    /**
     * GitHub runs schedules from the default branch's workflows: a push to it makes the schedules
     * of its workflows the repository's schedules. A store that cannot be reached loses no push.
     */
    private void registerSchedules(TriggerRequest request, List<CompiledWorkflow> workflows) {
        if (request.kind() != Kind.PUSH
                || request.inline() != null
                || request.branch() == null
                || request.event().payload() == null
                || !request.branch()
                        .equals(request.event()
                                .payload()
                                .path("repository")
                                .path("default_branch")
                                .asText(null))) {
            return;
        }
        List<ScheduleEntry> entries = workflows.stream()
                .filter(w -> !w.on().schedules().isEmpty())
                .map(w -> new ScheduleEntry(
                        request.repositoryId(),
                        request.repositoryName(),
                        request.cloneUrl(),
                        request.branch(),
                        w.file(),
                        w.on().schedules().stream().map(Cron::expression).toList(),
                        Instant.now()))
                .toList();
        try {
            schedules.replace(request.repositoryId(), entries);
        } catch (RuntimeException e) {
            Log.warnf(
                    "the schedules of %s could not be recorded (%s); the next push to %s records them",
                    request.repositoryId(), e.getMessage(), request.branch());
        }
    }

    /** The files a push or patch changed: as the sender listed them, else asked of the seed once, only when a path filter needs them. */
    private final class Changes {

        private final TriggerRequest request;
        private List<String> files;
        private boolean known;

        Changes(TriggerRequest request) {
            this.request = request;
            this.files = request.event() == null ? null : request.event().changedFiles();
            this.known = files != null;
        }

        List<String> files(Triggers on) {
            boolean filtered = request.kind() == Kind.PUSH
                    ? on.push() != null
                            && (!on.push().paths().isEmpty()
                                    || !on.push().pathsIgnore().isEmpty())
                    : on.pullRequest() != null
                            && (!on.pullRequest().paths().isEmpty()
                                    || !on.pullRequest().pathsIgnore().isEmpty());
            if (!filtered || known) {
                return files;
            }
            known = true;
            String from = request.kind() == Kind.PUSH
                    ? request.event().before()
                    : request.event().base();
            if (from != null && !from.chars().allMatch(c -> c == '0')) {
                files = git.changedFiles(request.cloneUrl(), from, request.commit(), 3000);
            }
            return files;
        }
    }

    private List<RunRequested> requests(
            TriggerRequest request, List<CompiledWorkflow> workflows, boolean awaitsApproval) {
        ObjectNode given = request.event() == null ? null : request.event().inputs();
        List<FieldError> inputErrors = new ArrayList<>();
        if (request.kind() == Kind.MANUAL && given != null) {
            Set<String> declared = new LinkedHashSet<>();
            workflows.forEach(w -> declared.addAll(w.inputNames()));
            for (String name : DispatchInputs.unexpected(given, declared)) {
                inputErrors.add(new FieldError(
                        "inputs." + name,
                        "is not an input of " + (workflows.size() == 1 ? "the workflow" : "any of the workflows")
                                + (declared.isEmpty()
                                        ? " (they declare none)"
                                        : "; they have " + String.join(", ", declared))));
            }
        }
        List<RunRequested> runs = new ArrayList<>();
        List<WorkflowError> errors = new ArrayList<>();
        for (CompiledWorkflow workflow : workflows) {
            DispatchInputs.Resolved inputs = DispatchInputs.resolve(
                    request.kind() == Kind.MANUAL ? workflow.on().inputs() : List.of(), given, inputErrors);
            String runId = request.event() != null && request.event().runId() != null
                    ? request.event().runId()
                    : Ulid.next();
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            context.set(
                    "github",
                    RunContexts.github(
                            request,
                            request.commit(),
                            runId,
                            runNumbers.next(request.repositoryId(), workflow.file()),
                            workflow,
                            inputs.strings()));
            context.set("inputs", inputs.typed());
            context.set("vars", RunContexts.vars(config.variables().orElse(List.of()), request.repositoryId()));
            context.set("forge", RunContexts.forge(request, request.commit(), runId, workflow));
            try {
                RunPlan.Planned plan = RunPlan.plan(
                        workflow,
                        RunContexts.scope(context),
                        request.trusted(),
                        new LinkedHashSet<>(config.runners().labels()));
                RunRequested run = new RunRequested(
                        runId,
                        Instant.now(),
                        new RunRequested.Trigger(
                                request.kind().wire(),
                                request.actor(),
                                request.trusted(),
                                awaitsApproval,
                                request.requestId(),
                                null,
                                request.patchId(),
                                request.statusUrl(),
                                request.statusContext(),
                                request.nodeId(),
                                null),
                        new RunRequested.Repository(request.repositoryId(), request.repositoryName()),
                        request.commit(),
                        request.ref(),
                        request.cloneUrl(),
                        context,
                        new RunRequested.Workflow(
                                workflow.name(), workflow.file(), plan.runName(), plan.concurrency(), plan.jobs()));
                checkSize(run, workflow);
                runs.add(run);
            } catch (WorkflowInvalidException e) {
                errors.addAll(e.errors());
            }
        }
        if (!inputErrors.isEmpty()) {
            throw new TriggerRejected(inputErrors);
        }
        if (!errors.isEmpty()) {
            throw new WorkflowInvalidException(errors);
        }
        String infoUrl = links.of(
                request.commit(), runs.stream().map(RunRequested::runId).toList());
        return runs.stream().map(run -> run.withInfoUrl(infoUrl)).toList();
    }

    private void checkSize(RunRequested run, CompiledWorkflow workflow) {
        try {
            int bytes = json.writeValueAsBytes(run).length;
            if (bytes > MAX_RECORD_BYTES) {
                throw new WorkflowInvalidException(List.of(new WorkflowError(
                        workflow.file(),
                        1,
                        1,
                        "the normalized workflow takes "
                                + bytes / 1024 + " KiB, more than the " + MAX_RECORD_BYTES / 1024
                                + " KiB a run request may carry; "
                                + "use fewer jobs, steps or env entries")));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run request could not be serialized", e);
        }
    }
}
