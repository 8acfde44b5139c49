package dev.forgeci.logs.frames;

/**
 * A log line made safe for the terminals that show it (xterm.js in the viewer, a user's terminal
 * in raw mode): the escape sequences that make a terminal answer — and so type into whatever reads
 * it — or reach outside the window are shown instead of obeyed, their ESC written as {@code ␛}:
 * device status and attribute queries (CSI … n, c, t, DECRQM), every OSC but hyperlinks (OSC 8)
 * and titles (OSC 0-2), so the clipboard (OSC 52) and colour queries are out; DCS, APC, PM, SOS;
 * and C1 controls, which some terminals read as those introducers. Colours, cursor movement and
 * erasing stay as they are.
 */
public final class TerminalText {

    private static final char ESC = '\u001b';
    private static final char SHOWN_ESC = '\u241b';

    private TerminalText() {}

    public static String safe(String text) {
        if (!needsLook(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c >= '\u0080' && c <= '\u009f') {
                out.append(SHOWN_ESC).append(Integer.toHexString(c));
                i++;
            } else if (c == ESC && i + 1 < text.length()) {
                int end = sequenceEnd(text, i);
                boolean dangerous = dangerous(text, i, end);
                out.append(dangerous ? SHOWN_ESC : ESC).append(text, i + 1, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean needsLook(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESC || c >= '\u0080' && c <= '\u009f') {
                return true;
            }
        }
        return false;
    }

    /** Where the sequence starting at {@code at} (an ESC) ends: past its final byte or string terminator, at most the line's end. */
    private static int sequenceEnd(String text, int at) {
        char kind = text.charAt(at + 1);
        int i = at + 2;
        if (kind == '[') {
            while (i < text.length() && (text.charAt(i) < '@' || text.charAt(i) > '~')) {
                i++;
            }
            return Math.min(i + 1, text.length());
        }
        if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') {
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\u0007') {
                    return i + 1;
                }
                if (c == ESC && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                    return i + 2;
                }
                i++;
            }
            return text.length();
        }
        return at + 2;
    }

    private static boolean dangerous(String text, int at, int end) {
        char kind = text.charAt(at + 1);
        return switch (kind) {
            case '[' -> {
                char last = text.charAt(end - 1);
                // DSR (5n, 6n), DA (c, >c, =c), window reports (t), DECRQM (…$p)
                yield last == 'n'
                        || last == 'c'
                        || last == 't'
                        || last == 'p' && text.substring(at, end).contains("$");
            }
            case ']' -> {
                String body = text.substring(at + 2, end);
                yield !(body.startsWith("8;") || body.matches("(?s)[012];.*"));
            }
            case 'P', '_', '^', 'X' -> true;
            // ESC Z (DECID) asks the terminal to identify itself
            case 'Z' -> true;
            default -> false;
        };
    }
}
