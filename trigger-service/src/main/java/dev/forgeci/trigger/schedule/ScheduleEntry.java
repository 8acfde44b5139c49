package dev.forgeci.trigger.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A workflow of a repository's default branch with {@code on.schedule}: where to read it from and
 * its cron expressions, as the last push to that branch had them; {@code since} is when it was
 * seen, so no tick from before it is fired.
 */
public record ScheduleEntry(
        String repositoryId,
        String repositoryName,
        String cloneUrl,
        String branch,
        String file,
        List<String> crons,
        Instant since) {

    String key() {
        return repositoryId + " " + file;
    }
}
