package dev.forgeci.controller.log;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GitHub's workflow commands in a step's output ({@code ::name key=value,…::data}), handled as
 * GitHub's runner handles them and never shown raw: {@code add-mask} masks from the next line on,
 * {@code set-output} and {@code save-state} set a step output or state (set-output with GitHub's
 * deprecation warning), {@code error}/{@code warning}/{@code notice}/{@code debug} become
 * annotation lines, {@code group}/{@code endgroup} a group heading, {@code stop-commands} ignores
 * commands until its token, {@code echo} shows command lines. {@code set-env} and {@code add-path}
 * stay disabled, as on GitHub since CVE-2020-15228: printing untrusted text must never change the
 * environment of later steps. A line that is not one of these commands is shown as it is.
 */
public final class WorkflowCommands {

    /** What commands do to the job. */
    public interface Effects {
        void mask(String value);

        void output(String name, String value);

        void state(String name, String value);

        /** The step fails (as GitHub fails a step whose command could not be processed). */
        void fail(String message);
    }

    private static final Set<String> COMMANDS = Set.of(
            "set-output",
            "set-env",
            "add-path",
            "add-mask",
            "debug",
            "warning",
            "error",
            "notice",
            "group",
            "endgroup",
            "echo",
            "save-state",
            "stop-commands",
            "add-matcher",
            "remove-matcher");
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final boolean debug;
    private String stopToken;
    private boolean echo;

    /** @param debug whether {@code ::debug::} lines are shown (ACTIONS_STEP_DEBUG) */
    public WorkflowCommands(boolean debug) {
        this.debug = debug;
    }

    /** A parsed command: its name, properties and data, unescaped. */
    record Command(String name, Map<String, String> properties, String data) {}

    /** The lines to show for an output line (none, itself, or what its command renders), after the command's effect. */
    public List<String> handle(String line, Effects effects) {
        String trimmed = line.stripLeading();
        if (stopToken != null) {
            if (trimmed.equals("::" + stopToken + "::")) {
                stopToken = null;
                return List.of();
            }
            return List.of(line);
        }
        Command command = parse(trimmed);
        if (command == null) {
            return List.of(line);
        }
        List<String> shown = echo ? List.of(line) : List.of();
        return switch (command.name()) {
            case "add-mask" -> {
                if (!command.data().isBlank()) {
                    effects.mask(command.data());
                }
                yield List.of();
            }
            case "set-output" -> {
                String name = command.properties().get("name");
                if (name == null || name.isBlank()) {
                    effects.fail("::set-output needs a name property");
                    yield List.of(RED + "Error:" + RESET
                            + " Unable to process command '::set-output' successfully: it needs `name=`");
                }
                effects.output(name, command.data());
                yield concat(
                        shown,
                        YELLOW + "Warning:" + RESET
                                + " The `set-output` command is deprecated and will be disabled soon. "
                                + "Please upgrade to using Environment Files (write to $GITHUB_OUTPUT).");
            }
            case "save-state" -> {
                String name = command.properties().get("name");
                if (name != null && !name.isBlank()) {
                    effects.state(name, command.data());
                }
                yield shown;
            }
            case "set-env", "add-path" -> {
                String message =
                        "The `" + command.name() + "` command is disabled. Please upgrade to using Environment Files "
                                + "(write to $GITHUB_" + (command.name().equals("set-env") ? "ENV" : "PATH") + ").";
                effects.fail(message);
                yield List.of(
                        RED + "Error:" + RESET + " Unable to process command '::" + command.name() + "' successfully.",
                        RED + "Error:" + RESET + " " + message);
            }
            case "error" -> annotation(RED + "Error:", command);
            case "warning" -> annotation(YELLOW + "Warning:", command);
            case "notice" -> annotation(CYAN + "Notice:", command);
            case "debug" -> debug ? lines(MAGENTA + "Debug:" + RESET + " " + command.data()) : List.of();
            case "group" -> lines(BOLD + "▸ " + command.data() + RESET);
            case "stop-commands" -> {
                stopToken = command.data().isBlank() ? null : command.data();
                yield shown;
            }
            case "echo" -> {
                echo = command.data().equalsIgnoreCase("on");
                yield List.of();
            }
            // endgroup closes the group heading; problem matchers are not supported and have no effect
            default -> shown;
        };
    }

    private static List<String> annotation(String label, Command command) {
        Map<String, String> p = command.properties();
        StringBuilder where = new StringBuilder();
        if (p.containsKey("file")) {
            where.append(p.get("file"));
            if (p.containsKey("line")) {
                where.append(':').append(p.get("line"));
                if (p.containsKey("col")) {
                    where.append(':').append(p.get("col"));
                }
            }
            where.append(": ");
        }
        if (p.containsKey("title")) {
            where.append(p.get("title")).append(": ");
        }
        return lines(label + RESET + " " + where + command.data());
    }

    /** A rendered text that holds newlines (%0A in the data) is that many lines of the log. */
    private static List<String> lines(String text) {
        return List.of(text.split("\r?\n", -1));
    }

    private static List<String> concat(List<String> first, String then) {
        return first.isEmpty() ? List.of(then) : List.of(first.get(0), then);
    }

    /** A command line as GitHub's runner reads it (after leading spaces), or null when the line is not one. */
    static Command parse(String line) {
        if (!line.startsWith("::")) {
            return null;
        }
        int end = line.indexOf("::", 2);
        if (end < 0) {
            return null;
        }
        String info = line.substring(2, end);
        int space = info.indexOf(' ');
        String name = space < 0 ? info : info.substring(0, space);
        if (!COMMANDS.contains(name)) {
            return null;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (space > 0) {
            for (String property : info.substring(space + 1).strip().split(",")) {
                int equals = property.indexOf('=');
                if (equals > 0 && equals < property.length() - 1) {
                    properties.put(property.substring(0, equals), unescapeProperty(property.substring(equals + 1)));
                }
            }
        }
        return new Command(name, properties, unescapeData(line.substring(end + 2)));
    }

    static String unescapeData(String data) {
        return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
    }

    static String unescapeProperty(String value) {
        return value.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%");
    }
}
