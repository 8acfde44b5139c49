package dev.forgeci.controller.log;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns one output stream of a runner (stdout or stderr) into lines: finds the agent's step markers
 * anywhere in a line (a step's last output may lack its newline), masks secrets, keeps {@code \r}
 * progress updates and ANSI colours as they are, decodes invalid UTF-8 with replacement characters,
 * and cuts a line longer than the cap into pieces. A marker or secret that arrives split over two
 * reads is still found: the tail of an unfinished line is held back until it can no longer be the
 * start of one.
 */
public final class LineSplitter {

    /** Receives the stream's lines and markers in order. */
    public interface Sink {

        /** @param bytes the line's size in bytes as it was output (after masking) */
        void line(String text, int bytes);

        /** The marker's command, e.g. {@code step-start 2}. */
        void marker(String command);
    }

    private final byte[] markerPrefix;
    private final SecretMasker masker;
    private final int maxLineBytes;
    private final Sink sink;

    private byte[] pending = new byte[256];
    private int pendingLength;

    public LineSplitter(String markerPrefix, SecretMasker masker, int maxLineBytes, Sink sink) {
        this.markerPrefix = markerPrefix.getBytes(StandardCharsets.US_ASCII);
        this.masker = masker;
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
    }

    /** Bytes of an unfinished over-long line that are held back: a marker or a secret may begin there (secrets may be added). */
    private int holdBack() {
        return Math.max(markerPrefix.length, masker.longest()) - 1;
    }

    public void feed(byte[] data, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (data[i] != '\n') {
                continue;
            }
            if (pendingLength == 0) {
                completeLine(data, start, i - start);
            } else {
                append(data, start, i - start);
                completeLine(pending, 0, pendingLength);
                pendingLength = 0;
            }
            start = i + 1;
        }
        if (start < end) {
            append(data, start, end - start);
            if (pendingLength > maxLineBytes + holdBack()) {
                cutUnfinishedLine();
            }
        }
    }

    /** The stream ended: what is left is a last line without a newline. */
    public void finish() {
        if (pendingLength > 0) {
            completeLine(pending, 0, pendingLength);
            pendingLength = 0;
        }
    }

    private void completeLine(byte[] bytes, int offset, int length) {
        int marker = indexOf(bytes, offset, offset + length, markerPrefix);
        if (marker < 0) {
            emit(bytes, offset, length);
            return;
        }
        if (marker > offset) {
            emit(bytes, offset, marker - offset);
        }
        int command = marker + markerPrefix.length;
        sink.marker(new String(bytes, command, offset + length - command, StandardCharsets.US_ASCII).strip());
    }

    private void emit(byte[] bytes, int offset, int length) {
        byte[] masked = masker.mask(bytes, offset, length);
        if (masked != null) {
            emitPieces(masked, 0, masked.length);
        } else {
            emitPieces(bytes, offset, length);
        }
    }

    private void emitPieces(byte[] bytes, int offset, int length) {
        int end = offset + length;
        while (end - offset > maxLineBytes) {
            int cut = characterBoundary(bytes, offset, offset + maxLineBytes);
            sink.line(new String(bytes, offset, cut - offset, StandardCharsets.UTF_8), cut - offset);
            offset = cut;
        }
        sink.line(new String(bytes, offset, end - offset, StandardCharsets.UTF_8), end - offset);
    }

    /** An over-long line without its newline yet: publish whole pieces, keep the tail. */
    private void cutUnfinishedLine() {
        int marker = indexOf(pending, 0, pendingLength, markerPrefix);
        if (marker >= 0) {
            // The agent's marker follows the step's unterminated output; its newline comes next.
            if (marker > 0) {
                emit(pending, 0, marker);
                shift(marker);
            }
            return;
        }
        byte[] masked = masker.mask(pending, 0, pendingLength);
        if (masked != null) {
            pending = Arrays.copyOf(masked, Math.max(masked.length, pending.length));
            pendingLength = masked.length;
        }
        int offset = 0;
        int holdBack = holdBack();
        while (pendingLength - offset - holdBack > maxLineBytes) {
            int cut = characterBoundary(pending, offset, offset + maxLineBytes);
            sink.line(new String(pending, offset, cut - offset, StandardCharsets.UTF_8), cut - offset);
            offset = cut;
        }
        shift(offset);
    }

    private void append(byte[] data, int offset, int length) {
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(data, offset, pending, pendingLength, length);
        pendingLength += length;
    }

    private void shift(int consumed) {
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        pendingLength -= consumed;
    }

    /** Moves a cut back (at most 3 bytes) so that it does not split a UTF-8 sequence. */
    private static int characterBoundary(byte[] bytes, int start, int cut) {
        for (int c = cut; c > start && c > cut - 4; c--) {
            if ((bytes[c] & 0xC0) != 0x80) {
                return c;
            }
        }
        return cut;
    }

    static int indexOf(byte[] bytes, int from, int to, byte[] pattern) {
        byte first = pattern[0];
        int last = to - pattern.length;
        for (int i = from; i <= last; i++) {
            if (bytes[i] == first && Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }
}
