package dev.forgeci.logs.api;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.forgeci.access.Caller;
import dev.forgeci.access.CurrentCaller;
import dev.forgeci.access.ProblemException;
import dev.forgeci.access.Scope;
import dev.forgeci.logs.frames.Frame;
import dev.forgeci.logs.infra.LogStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code /api/logs}: the recent runs this gateway holds logs for, and one run's whole log as text. */
@Path("/api/logs")
public class LogResource {

    private static final int PAGE = 2000;
    private static final Pattern ANSI = Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)|\u001b[@-Z\\\\-_]");

    private final LogStore store;
    private final CurrentCaller caller;
    private final RunAccess access;

    public LogResource(LogStore store, CurrentCaller caller, RunAccess access) {
        this.store = store;
        this.caller = caller;
        this.access = access;
    }

    /** Recent runs, newest first, with their latest status (from {@code run-events}). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.READ_ROLE)
    public Uni<String> recent() {
        Caller who = caller.get();
        return store.recentRuns(repository -> who.may(Scope.READ, repository));
    }

    /** The run's log as terminal text, with step headers; {@code ansi=false} strips escape sequences. */
    @GET
    @Path("/{runId}")
    @Produces(MediaType.TEXT_PLAIN + ";charset=UTF-8")
    @Blocking
    @RolesAllowed(Scope.READ_ROLE)
    public Multi<String> log(@PathParam("runId") String runId, @DefaultValue("true") @QueryParam("ansi") boolean ansi) {
        access.refusal(caller.get(), runId)
                .await()
                .atMost(Duration.ofSeconds(10))
                .ifPresent(refusal -> {
                    throw new io.quarkus.security.ForbiddenException(refusal);
                });
        if (!store.state(runId).await().atMost(Duration.ofSeconds(10)).exists()) {
            throw new ProblemException(ProblemType.UNKNOWN_RUN, "No log is held for run " + runId + ".");
        }
        AtomicLong cursor = new AtomicLong();
        return Multi.createBy()
                .repeating()
                .uni(() -> store.range(runId, cursor.get(), PAGE).invoke(frames -> {
                    if (!frames.isEmpty()) {
                        cursor.set(frames.get(frames.size() - 1).cursor());
                    }
                }))
                .until(List::isEmpty)
                .map(frames -> text(frames, ansi));
    }

    private static String text(List<Frame> frames, boolean ansi) {
        StringBuilder text = new StringBuilder();
        for (Frame frame : frames) {
            text.append(frame.raw());
        }
        String plain = text.toString().replace("\r\n", "\n");
        return ansi ? plain : ANSI.matcher(plain).replaceAll("");
    }
}
