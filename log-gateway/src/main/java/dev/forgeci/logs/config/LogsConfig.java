package dev.forgeci.logs.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How run logs are kept and served. */
@ConfigMapping(prefix = "forge.logs")
public interface LogsConfig {

    /**
     * Whether lines may carry the escape sequences that make a terminal answer or write the
     * clipboard (device queries, OSC 52, DCS); off: they are shown, not obeyed ({@code TerminalText}).
     */
    @WithDefault("false")
    boolean allowTerminalQueries();

    /** Bytes of frames kept per run ({@code 64M}, or a plain number of bytes); past it the lines are dropped behind a visible notice. */
    @WithDefault("64M")
    MemorySize maxBytesPerRun();

    /** How long a run's log is kept after its last write (its end, once it ended). */
    @WithDefault("P7D")
    Duration retention();

    /** How many runs {@code GET /api/logs} lists. */
    @WithDefault("100")
    int recentRuns();

    /** How long a chunk waits for its step's step-started (another topic), so its header carries the name. */
    @WithDefault("250ms")
    Duration stepNameWait();

    Ws ws();

    interface Ws {
        /** How long a socket waits for a run nobody has heard of yet (the IDE connects right after triggering). */
        @WithDefault("30s")
        Duration unknownRunWait();

        /** A client whose socket accepts nothing for this long is closed with a cursor to resume from. */
        @WithDefault("30s")
        Duration stallTimeout();

        /** Frames sent to one client before waiting for the socket to take them. */
        @WithDefault("256")
        int batch();

        /** Recent frames of a watched run kept in memory, shared by all its viewers. */
        @WithDefault("8192")
        int ringFrames();
    }
}
