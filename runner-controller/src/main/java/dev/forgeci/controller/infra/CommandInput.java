package dev.forgeci.controller.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The agent's stdin as docker-java reads it: lines the controller sends, handed over as they come
 * (a read returns as soon as one is there, so a command is never held in a buffer), and the end of
 * input once closed.
 */
final class CommandInput extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();
    private byte[] current;
    private int position;
    private volatile boolean closed;

    void send(String line) {
        if (!closed) {
            lines.add((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            lines.add(END);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (current == null || position == current.length) {
            try {
                current = lines.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a command");
            }
            position = 0;
            if (current == END) {
                lines.add(END);
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }
}
