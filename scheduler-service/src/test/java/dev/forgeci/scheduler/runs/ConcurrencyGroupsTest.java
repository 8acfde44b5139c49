package dev.forgeci.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.events.RunRequested;

/** The concurrency-group bookkeeping alone: who is head, who is cancelled, who goes next. */
class ConcurrencyGroupsTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    private final ConcurrencyGroups groups = new ConcurrencyGroups();

    @Test
    void theOldestRunOfAGroupIsItsHeadAndTheNextTakesOverWhenItLeaves() throws Exception {
        Run first = run("01A", "rad:zCore", "deploy", 1, false);
        Run second = run("01B", "rad:zCore", "deploy", 2, false);
        groups.join(second);
        groups.join(first);

        assertThat(groups.isHead(first)).isTrue();
        assertThat(groups.isHead(second)).isFalse();
        assertThat(groups.members(second)).containsExactly(first, second);
        assertThat(groups.leave(first)).contains(second);
        assertThat(groups.isHead(second)).isTrue();
        assertThat(groups.leave(second)).isEmpty();
        assertThat(groups.members(second)).isEmpty();
    }

    @Test
    void theSameGroupNameInAnotherRepositoryIsAnotherGroup() throws Exception {
        Run core = run("01A", "rad:zCore", "deploy", 1, false);
        Run docs = run("01B", "rad:zDocs", "deploy", 2, false);
        groups.join(core);
        groups.join(docs);

        assertThat(groups.isHead(docs)).isTrue();
        assertThat(groups.members(docs)).containsExactly(docs);
    }

    @Test
    void aRunWaitingForApprovalOrWithoutAGroupHoldsUpNoOne() throws Exception {
        Run waiting = run("01A", "rad:zCore", "deploy", 1, true);
        Run ungrouped = run("01B", "rad:zCore", null, 2, false);
        Run later = run("01C", "rad:zCore", "deploy", 3, false);
        groups.join(waiting);
        groups.join(ungrouped);
        groups.join(later);

        assertThat(groups.isHead(later)).isTrue();
        assertThat(groups.isHead(ungrouped)).isTrue();
        assertThat(groups.members(later)).containsExactly(later);
        assertThat(groups.leave(waiting)).isEmpty();
    }

    private static Run run(String runId, String repository, String group, int second, boolean waiting)
            throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("runId", runId).put("requestedAt", T0.toString());
        request.putObject("trigger").put("kind", "push").put("trusted", true);
        request.putObject("repository").put("id", repository).put("name", "core");
        request.put("commit", "0123456789abcdef0123456789abcdef01234567").put("ref", "refs/heads/main");
        request.put("cloneUrl", "http://127.0.0.1:1/zCore.git");
        request.putObject("context");
        ObjectNode workflow = request.putObject("workflow").put("name", "CI").put("file", "ci.yml");
        workflow.putArray("jobs");
        if (group != null) {
            workflow.putObject("concurrency").put("group", group);
        }
        Run run = Run.create(JSON.treeToValue(request, RunRequested.class), T0.plusSeconds(second), List.of());
        if (waiting) {
            run.awaitApproval();
        }
        return run;
    }
}
