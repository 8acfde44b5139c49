package dev.forgeci.controller.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a step writes to talk back, in GitHub's formats: {@code $GITHUB_OUTPUT},
 * {@code $GITHUB_ENV} and {@code $GITHUB_STATE} hold {@code NAME=value} lines or multi-line
 * {@code NAME<<DELIMITER … DELIMITER} blocks; {@code $GITHUB_PATH} one directory per line.
 */
final class RuntimeFiles {

    /** A file that does not follow the format; the step fails with this, as on GitHub. */
    static final class FormatException extends RuntimeException {
        FormatException(String message) {
            super(message, null, false, false);
        }
    }

    private RuntimeFiles() {}

    /** The names and values of a {@code NAME=value} / heredoc file, in order (a later one wins). */
    static Map<String, String> values(String file, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            int heredoc = line.indexOf("<<");
            if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
                values.put(name(file, line.substring(0, equals)), line.substring(equals + 1));
            } else if (heredoc > 0) {
                String name = name(file, line.substring(0, heredoc));
                String delimiter = line.substring(heredoc + 2);
                if (delimiter.isEmpty()) {
                    throw new FormatException("Unable to process file command '" + file + "' successfully: `" + name
                            + "<<` needs a delimiter");
                }
                List<String> body = new ArrayList<>();
                int end = i + 1;
                while (end < lines.length && !lines[end].equals(delimiter)) {
                    body.add(lines[end]);
                    end++;
                }
                if (end >= lines.length) {
                    throw new FormatException("Unable to process file command '" + file
                            + "' successfully: matching delimiter `" + delimiter + "` of `" + name + "` not found");
                }
                values.put(name, String.join("\n", body));
                i = end;
            } else {
                throw new FormatException("Unable to process file command '" + file + "' successfully: invalid format `"
                        + (line.length() > 60 ? line.substring(0, 60) + "…" : line) + "`");
            }
        }
        return values;
    }

    /** The directories of {@code $GITHUB_PATH}, in the order written (each goes before the ones already added). */
    static List<String> paths(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static String name(String file, String name) {
        if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new FormatException("Unable to process file command '" + file + "' successfully: `"
                    + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "` is not a name");
        }
        return name;
    }
}
