package dev.forgeci.trigger.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.config.ForgeConfig.NonDelegatePolicy;
import dev.forgeci.trigger.events.RunRequested;
import dev.forgeci.trigger.infra.GitWorkflowReader;
import dev.forgeci.trigger.infra.GitWorkflowReader.WorkflowFile;
import dev.forgeci.trigger.run.Outcome.SkippedWorkflow;
import dev.forgeci.trigger.run.Outcome.StartedRun;
import dev.forgeci.trigger.run.TriggerRequest.Kind;
import dev.forgeci.trigger.workflow.Workflow;
import dev.forgeci.trigger.workflow.WorkflowError;
import dev.forgeci.trigger.workflow.WorkflowInvalidException;
import dev.forgeci.trigger.workflow.WorkflowParser;
import io.quarkus.logging.Log;

/**
 * Turns a validated trigger into runs: reads the workflows (inline, or at the commit from the
 * seed), validates all of them, keeps those whose {@code on} matches, and records one
 * {@code run-requested} per workflow. Returns only after Kafka acknowledged them all.
 */
@ApplicationScoped
public class RunStarter {

    /** Below Kafka's default 1 MiB record limit, with room for the envelope. */
    static final int MAX_RECORD_BYTES = 900 * 1024;

    private final GitWorkflowReader git;
    private final WorkflowParser parser = new WorkflowParser();
    private final RunRequestedPublisher publisher;
    private final ObjectMapper json;
    private final ForgeConfig config;

    public RunStarter(GitWorkflowReader git, RunRequestedPublisher publisher, ObjectMapper json, ForgeConfig config) {
        this.git = git;
        this.publisher = publisher;
        this.json = json;
        this.config = config;
    }

    public Outcome start(TriggerRequest request) {
        if (!request.trusted() && request.kind() == Kind.PATCH && config.patches().nonDelegate() == NonDelegatePolicy.IGNORE) {
            Log.infof("patch %s of %s not run: its author is not a delegate", request.patchId(), request.repositoryId());
            return Outcome.ignored("the patch's author is not a delegate of " + request.repositoryId()
                    + ", and this server does not run patches from non-delegates");
        }
        String commit = request.commit();
        List<WorkflowFile> files;
        if (request.inline() != null) {
            if (commit == null) {
                commit = git.resolve(request.cloneUrl(), request.ref());
            }
            String text = request.inline().text();
            files = List.of(new WorkflowFile(request.inline().file(), text, text.length()));
        } else {
            GitWorkflowReader.Snapshot snapshot = git.read(request.cloneUrl(), commit, request.ref());
            commit = snapshot.commit();
            files = snapshot.files();
            if (files.isEmpty()) {
                throw new TriggerRejected(TriggerRejected.Reason.NO_WORKFLOWS, request.repositoryId() + " has no workflow at commit "
                        + commit + ": add a file " + GitWorkflowReader.DIRECTORY + "<name>.yaml");
            }
        }

        List<Workflow> workflows = parseAll(files);
        List<StartedRun> started = new ArrayList<>();
        List<SkippedWorkflow> skipped = new ArrayList<>();
        List<RunRequested> runs = new ArrayList<>();
        for (Workflow workflow : workflows) {
            Optional<String> rejection = switch (request.kind()) {
                case PUSH -> workflow.on().rejectsPush(request.branch());
                case PATCH -> workflow.on().rejectsPatch();
                case MANUAL -> Optional.empty();
            };
            if (rejection.isPresent()) {
                skipped.add(new SkippedWorkflow(workflow.name(), workflow.file(), rejection.get()));
                continue;
            }
            RunRequested run = runRequested(request, commit, workflow);
            runs.add(run);
            started.add(new StartedRun(run.runId(), workflow.name(), workflow.file()));
        }
        if (runs.isEmpty()) {
            return new Outcome(commit, List.of(), skipped, "no workflow runs on this " + request.kind().wire());
        }
        publisher.publish(runs);
        for (RunRequested run : runs) {
            Log.infof("run %s requested: workflow %s of %s at %s (%s by %s, %s)", run.runId(), run.workflow().name(),
                    request.repositoryId(), commit, request.kind().wire(), request.actor(), request.trusted() ? "trusted" : "untrusted");
        }
        return new Outcome(commit, started, skipped, null);
    }

    /** Parses every file; all problems of all files are reported together. */
    private List<Workflow> parseAll(List<WorkflowFile> files) {
        List<Workflow> workflows = new ArrayList<>();
        List<WorkflowError> errors = new ArrayList<>();
        for (WorkflowFile file : files) {
            try {
                if (file.text() == null) {
                    errors.add(WorkflowParser.tooLarge(file.path(), file.size()));
                } else {
                    workflows.add(parser.parse(file.path(), file.text()));
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

    private RunRequested runRequested(TriggerRequest request, String commit, Workflow workflow) {
        RunRequested run = new RunRequested(Ulid.next(), Instant.now(),
                new RunRequested.Trigger(request.kind().wire(), request.actor(), request.trusted(), request.requestId(), null,
                        request.patchId(), request.statusUrl(), request.statusContext(), request.nodeId()),
                new RunRequested.Repository(request.repositoryId(), request.repositoryName()),
                commit, request.ref(), request.cloneUrl(),
                new RunRequested.Workflow(workflow.name(), workflow.file(),
                        workflow.concurrencyFor(request.repositoryId(), request.ref()),
                        request.trusted() ? workflow.jobs() : workflow.jobsWithoutSecrets()));
        try {
            int bytes = json.writeValueAsBytes(run).length;
            if (bytes > MAX_RECORD_BYTES) {
                throw new WorkflowInvalidException(List.of(new WorkflowError(workflow.file(), 1, 1, "the normalized workflow takes "
                        + bytes / 1024 + " KiB, more than the " + MAX_RECORD_BYTES / 1024 + " KiB a run request may carry; "
                        + "use fewer jobs, steps or env entries")));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run request could not be serialized", e);
        }
        return run;
    }
}
