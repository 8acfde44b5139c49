package dev.forgeci.controller.runner;

/** Receives a runner's output as the daemon demultiplexes it, in order, on one thread. */
@FunctionalInterface
public interface RunnerOutput {

    enum Stream {
        STDOUT,
        STDERR
    }

    void output(Stream stream, byte[] data, int offset, int length);
}
