package dev.forgeci.scheduler.api;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.forgeci.access.Caller;
import dev.forgeci.access.CurrentCaller;
import dev.forgeci.access.ProblemException;
import dev.forgeci.access.Scope;
import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.infra.RunStore;
import dev.forgeci.scheduler.runs.Changes;
import dev.forgeci.scheduler.runs.Run;
import dev.forgeci.scheduler.runs.RunNotFoundException;
import dev.forgeci.scheduler.runs.RunStatus;
import dev.forgeci.scheduler.runs.SchedulerEngine;

@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs", description = "Runs and their jobs: list, inspect, cancel, re-run")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
public class RunsResource {

    private static final int MAX_PAGE_SIZE = 100;
    private static final int MAX_COMMIT_RUNS = 1000;
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final RunStore store;
    private final SchedulerEngine engine;
    private final SchedulerConfig config;
    private final CurrentCaller caller;

    public RunsResource(RunStore store, SchedulerEngine engine, SchedulerConfig config, CurrentCaller caller) {
        this.store = store;
        this.engine = engine;
        this.config = config;
        this.caller = caller;
    }

    public record RunPage(List<RunView> runs, int page, int size, long total) {}

    public record Rerun(String runId, String rerunOf, String run) {}

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(
            summary = "Runs, newest first",
            description = "Optionally of one repository (rad:…), one status and one commit "
                    + "(the viewer's page of a commit's runs; the latest " + MAX_COMMIT_RUNS
                    + " of a commit are listed); paged from page 0. "
                    + "A token limited to one repository lists that one's; one limited to several must name one.")
    public RunPage list(
            @QueryParam("repository") String repository,
            @QueryParam("status") String status,
            @QueryParam("commit") String commit,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ProblemException(
                    ProblemType.BAD_REQUEST, "page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE + ".");
        }
        RunStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = RunStatus.of(status);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(ProblemType.BAD_REQUEST, "status must be one of " + RunStatus.words() + ".");
            }
        }
        String oneRepository = readable(repository == null || repository.isBlank() ? null : repository);
        if (commit != null && !commit.isBlank()) {
            if (!COMMIT.matcher(commit).matches()) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "commit must be a full commit id (40 or 64 hexadecimal digits), not `" + commit + "`.");
            }
            RunStatus only = wanted;
            List<Run> runs = store.ofCommit(commit, MAX_COMMIT_RUNS).stream()
                    .filter(run -> oneRepository == null || oneRepository.equals(run.repositoryId()))
                    .filter(run -> only == null || only == run.status())
                    .toList();
            List<RunView> shown = runs.stream()
                    .skip((long) page * size)
                    .limit(size)
                    .map(RunView::summary)
                    .toList();
            return new RunPage(shown, page, size, runs.size());
        }
        RunStore.Page found = store.list(oneRepository, wanted, page, size);
        return new RunPage(found.runs().stream().map(RunView::summary).toList(), page, size, found.total());
    }

    @GET
    @Path("{runId}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One run with its jobs and steps, statuses, reasons and timings")
    public RunView get(@PathParam("runId") String runId) {
        return RunView.detail(allowed(Scope.READ, runId));
    }

    @POST
    @Path("{runId}/cancel")
    @Operation(
            summary = "Cancel a run",
            description = "Queued jobs end cancelled at once; running ones are asked to stop, "
                    + "and the run ends cancelled when they have. 409 when the run has already ended.")
    @RolesAllowed(Scope.WRITE_ROLE)
    public RestResponse<RunView> cancel(@PathParam("runId") String runId) {
        allowed(Scope.WRITE, runId);
        apply(changes -> {
            engine.scheduler().cancelOnRequest(runId, changes);
            return null;
        });
        return RestResponse.accepted(get(runId));
    }

    @POST
    @Path("{runId}/approve")
    @Operation(
            summary = "Approve a run that waits",
            description =
                    "An untrusted run (a patch from someone who is not a delegate) "
                            + "waits for approval where the operator says so; approving it queues it, still without secrets. The approval is "
                            + "recorded by the token's name and, where configured, its holder's Radicle DID. 409 unless the run is waiting.")
    @RolesAllowed(Scope.WRITE_ROLE)
    public RestResponse<RunView> approve(@PathParam("runId") String runId) {
        allowed(Scope.WRITE, runId);
        Caller approver = caller.get();
        apply(changes -> {
            engine.scheduler()
                    .approve(
                            runId,
                            new RunEvent.Approval(
                                    approver.name(), approver.did().orElse(null), changes.now()),
                            changes);
            return null;
        });
        return RestResponse.accepted(get(runId));
    }

    @POST
    @Path("{runId}/rerun")
    @Operation(
            summary = "Run the same commit and workflow again",
            description = "The new run links to this one (rerunOf). " + "409 while this run has not ended.")
    @RolesAllowed(Scope.WRITE_ROLE)
    public RestResponse<Rerun> rerun(@PathParam("runId") String runId) {
        allowed(Scope.WRITE, runId);
        String newRunId = apply(changes -> engine.scheduler().rerun(runId, changes));
        return RestResponse.accepted(new Rerun(newRunId, runId, "/api/runs/" + newRunId));
    }

    /** The run, once the caller may do what {@code needed} allows in its repository (403 otherwise; 404 if it is unknown). */
    private Run allowed(Scope needed, String runId) {
        Run run = store.find(runId).orElseThrow(() -> new RunNotFoundException(runId));
        caller.require(needed, run.repositoryId());
        return run;
    }

    /**
     * The repository a list is limited to: the one asked for, which the caller must be able to read;
     * or, when none is asked for, the one repository a token is limited to.
     */
    private String readable(String asked) {
        Caller who = caller.get();
        if (asked != null) {
            who.require(Scope.READ, asked);
            return asked;
        }
        if (who.seesEveryRepository()) {
            return null;
        }
        if (who.repositories().size() == 1) {
            return who.repositories().iterator().next();
        }
        throw new ProblemException(
                ProblemType.BAD_REQUEST,
                "The token `" + who.name() + "` reads " + who.repositories().size()
                        + " repositories; name one with ?repository=.");
    }

    private <T> T apply(Function<Changes, T> action) {
        try {
            return engine.submit(action).get(config.apiTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ProblemException(
                    ProblemType.UNAVAILABLE,
                    "The scheduler did not apply the request within "
                            + config.apiTimeout().toSeconds() + " s; Redis may be unreachable.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
