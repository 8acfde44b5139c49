package dev.forgeci.language.action;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * An action's {@code action.yml}, as GitHub's metadata syntax defines it
 * (docs.github.com/actions/reference/metadata-syntax-for-github-actions): its inputs with their
 * defaults, its outputs, and how it runs. What it costs to read is bounded (bytes, aliases, depth),
 * since an action in a stranger's patch is as hostile as the patch.
 */
public record ActionMetadata(String name, Map<String, Input> inputs, Map<String, Output> outputs, Runs runs) {

    public static final int MAX_BYTES = 1 << 20;
    /** The Node.js versions GitHub has run actions with; all run here with the runner image's Node.js. */
    public static final Set<String> NODE = Set.of("node12", "node16", "node20", "node24");

    /** {@code default} is a template, evaluated when the step runs. */
    public record Input(String description, boolean required, String defaultValue, String deprecationMessage) {}

    /** {@code value} maps a composite action's output from its steps; other actions set theirs at run time. */
    public record Output(String description, String value) {}

    /**
     * {@code using}: node12…node24, composite or docker. JavaScript: {@code main}, {@code pre},
     * {@code post} (paths in the action) with their conditions. Composite: {@code steps}, kept as
     * read. Docker: {@code image}, {@code args}, {@code entrypoint} and the pre/post entrypoints.
     */
    public record Runs(
            String using,
            String main,
            String pre,
            String preIf,
            String post,
            String postIf,
            List<Map<String, Object>> steps,
            String image,
            List<String> args,
            String entrypoint,
            String preEntrypoint,
            String postEntrypoint,
            Map<String, String> env) {

        public boolean javascript() {
            return NODE.contains(using);
        }
    }

    /** Why the metadata cannot be used; says the file, and the line and column where YAML knows them. */
    public static final class InvalidMetadataException extends IllegalArgumentException {
        public InvalidMetadataException(String message) {
            super(message);
        }
    }

    /** The metadata in {@code content}, read from {@code file} (named in errors, e.g. "owner/repo@v1/action.yml"). */
    public static ActionMetadata parse(String file, byte[] content) {
        if (content.length > MAX_BYTES) {
            throw new InvalidMetadataException(file + " is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(MAX_BYTES);
        Object document;
        try {
            document = new Yaml(new SafeConstructor(options)).load(new String(content, StandardCharsets.UTF_8));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            throw new InvalidMetadataException(
                    file + where + ": " + firstLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            throw new InvalidMetadataException(file + ": " + firstLine(e.getMessage()));
        }
        Map<String, Object> root = mapping(document, file, "the file");
        Map<String, Object> runs = mapping(root.get("runs"), file, "`runs`");
        String using = text(runs.get("using"));
        if (using == null) {
            throw new InvalidMetadataException(file + ": `runs.using` is missing");
        }
        using = using.toLowerCase(Locale.ROOT);
        Runs parsed = new Runs(
                using,
                text(runs.get("main")),
                text(runs.get("pre")),
                text(runs.get("pre-if")),
                text(runs.get("post")),
                text(runs.get("post-if")),
                steps(runs.get("steps"), file),
                text(runs.get("image")),
                list(runs.get("args")),
                text(runs.get("entrypoint")),
                text(runs.get("pre-entrypoint")),
                text(runs.get("post-entrypoint")),
                strings(runs.get("env"), file, "`runs.env`"));
        if (parsed.javascript()) {
            if (parsed.main() == null) {
                throw new InvalidMetadataException(
                        file + ": `runs.main` is missing; a JavaScript action names the file Node.js runs");
            }
        } else if (using.equals("composite")) {
            if (parsed.steps() == null) {
                throw new InvalidMetadataException(
                        file + ": `runs.steps` is missing; a composite action lists its steps");
            }
        } else if (using.equals("docker")) {
            if (parsed.image() == null) {
                throw new InvalidMetadataException(
                        file + ": `runs.image` is missing; a Docker action names a Dockerfile or docker://image");
            }
        } else {
            throw new InvalidMetadataException(
                    file + ": `runs.using: " + using + "` is not something Forge runs: use node20 (or node12, "
                            + "node16, node24), composite or docker");
        }
        Map<String, Input> inputs = new LinkedHashMap<>();
        mapping(root.getOrDefault("inputs", Map.of()), file, "`inputs`").forEach((id, value) -> {
            Map<String, Object> input = value == null ? Map.of() : mapping(value, file, "input `" + id + "`");
            inputs.put(
                    id,
                    new Input(
                            text(input.get("description")),
                            "true".equalsIgnoreCase(text(input.get("required"))),
                            text(input.get("default")),
                            text(input.get("deprecationMessage"))));
        });
        Map<String, Output> outputs = new LinkedHashMap<>();
        mapping(root.getOrDefault("outputs", Map.of()), file, "`outputs`").forEach((id, value) -> {
            Map<String, Object> output = value == null ? Map.of() : mapping(value, file, "output `" + id + "`");
            outputs.put(id, new Output(text(output.get("description")), text(output.get("value"))));
        });
        return new ActionMetadata(text(root.get("name")), inputs, outputs, parsed);
    }

    /** GitHub's variable for an input: {@code INPUT_} and the name in capitals, spaces as '_' (hyphens stay). */
    public static String inputVariable(String input) {
        return "INPUT_" + input.replace(' ', '_').toUpperCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object value, String file, String what) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> keyed = new LinkedHashMap<>();
            map.forEach((key, item) -> keyed.put(String.valueOf(key), item));
            return keyed;
        }
        throw new InvalidMetadataException(file + ": " + what + " must be a mapping");
    }

    private static List<Map<String, Object>> steps(Object value, String file) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidMetadataException(file + ": `runs.steps` must be a list of steps");
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            steps.add(mapping(list.get(i), file, "step " + (i + 1) + " of `runs.steps`"));
        }
        return steps;
    }

    private static Map<String, String> strings(Object value, String file, String what) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (value != null) {
            mapping(value, file, what).forEach((key, item) -> strings.put(key, text(item)));
        }
        return strings;
    }

    private static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(ActionMetadata::text).toList();
        }
        return List.of(text(value));
    }

    /** A mapping of a composite step ({@code with}, {@code env}) as text values. */
    public static Map<String, String> strings(Map<String, Object> mapping) {
        Map<String, String> strings = new LinkedHashMap<>();
        mapping.forEach((key, item) -> strings.put(key, text(item)));
        return strings;
    }

    /** A scalar as text (YAML's true, 3 and 1.5 as GitHub passes them on); null stays null. */
    public static String text(Object value) {
        return value == null ? null : value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }

    private static String firstLine(String message) {
        String line =
                message == null ? "not valid YAML" : message.lines().findFirst().orElse("not valid YAML");
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }
}
