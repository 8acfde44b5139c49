package dev.forgeci.trigger.workflow;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;

/**
 * The first stage: a workflow file composed into YAML nodes (never constructed into objects), with
 * the bounds that keep a hostile file cheap — at most {@link #MAX_FILE_BYTES}, at most
 * {@link #MAX_COLLECTION_ALIASES} aliases of lists or mappings ("billion laughs"), at most
 * {@link #MAX_NODES} nodes visited in all, 64 levels deep — and the helpers the compiler reads
 * nodes with, each reporting what is wrong where it is written.
 */
final class YamlSource {

    static final int MAX_FILE_BYTES = 256 * 1024;
    static final int MAX_COLLECTION_ALIASES = 50;
    static final int MAX_NODES = 50_000;
    /**
     * Characters of scalar text read in all, aliases counted each time they are read: a scalar
     * anchored once and aliased thousands of times would otherwise cost its size each time, in the
     * run request and in every service that reads it.
     */
    static final int MAX_EXPANDED_CHARS = 1024 * 1024;

    /** A key and its value, as written. */
    record Entry(ScalarNode key, Node value) {
        String name() {
            return key.getValue();
        }
    }

    /** Raised when going on would only produce noise or unbounded work; the reason is already recorded. */
    static final class Abort extends RuntimeException {
        Abort() {
            super(null, null, false, false);
        }
    }

    private final Diagnostics diagnostics;
    private final List<String> lines;
    private int visited;
    private long expandedChars;

    YamlSource(Diagnostics diagnostics, String text) {
        this.diagnostics = diagnostics;
        this.lines = text.lines().toList();
    }

    Diagnostics diagnostics() {
        return diagnostics;
    }

    /** The error for a file over {@link #MAX_FILE_BYTES}, which is not even read. */
    static WorkflowError tooLarge(String file, long bytes) {
        return new WorkflowError(
                file,
                1,
                1,
                "the file is " + (bytes + 1023) / 1024 + " KiB; a workflow file may be at most " + MAX_FILE_BYTES / 1024
                        + " KiB");
    }

    /** The document's root node, or null (an empty file); syntax errors are recorded and abort. */
    Node compose(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_FILE_BYTES) {
            WorkflowError error = tooLarge(diagnostics.file(), bytes);
            diagnostics.error(error.line(), error.column(), error.message());
            throw new Abort();
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by keys(), with both places
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(64);
        options.setCodePointLimit(MAX_FILE_BYTES + 1);
        options.setMergeOnCompose(true);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? "the text is not valid YAML" : e.getProblem();
            if (problem.contains("(TAB)")) {
                problem = "a tab character cannot start a token (indent with spaces, not tabs)";
            }
            diagnostics.error(
                    mark == null ? 1 : mark.getLine() + 1,
                    mark == null ? 1 : mark.getColumn() + 1,
                    "YAML syntax error: " + problem + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
            throw new Abort();
        } catch (YAMLException e) {
            if (String.valueOf(e.getMessage()).startsWith("Number of aliases")) {
                Mark mark = excessiveAlias(text);
                diagnostics.error(
                        mark == null ? 1 : mark.getLine() + 1,
                        mark == null ? 1 : mark.getColumn() + 1,
                        "the file refers to lists or mappings through aliases more than " + MAX_COLLECTION_ALIASES
                                + " times; it was rejected without expanding them (a \"billion laughs\" file would exhaust the server)");
            } else {
                diagnostics.error(1, 1, "the text is not valid YAML: " + e.getMessage());
            }
            throw new Abort();
        }
    }

    /** Where the first alias over the limit stands, found by replaying the parser's events. */
    private static Mark excessiveAlias(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_BYTES + 1);
        Set<String> collectionAnchors = new HashSet<>();
        int aliases = 0;
        try {
            for (Event event : new Yaml(options).parse(new StringReader(text))) {
                if (event instanceof CollectionStartEvent start && start.getAnchor() != null) {
                    collectionAnchors.add(start.getAnchor());
                } else if (event instanceof AliasEvent alias
                        && collectionAnchors.contains(alias.getAnchor())
                        && ++aliases > MAX_COLLECTION_ALIASES) {
                    return alias.getStartMark();
                }
            }
        } catch (YAMLException unexpected) {
            return null;
        }
        return null;
    }

    // ----------------------------------------------------------------------------------------------
    // Reading nodes

    /**
     * The entries of a mapping by name. Duplicates and (when {@code allowed} is given) unknown keys
     * are reported; {@code noun} names what a key is here ("key", "job id", "variable").
     */
    Map<String, Entry> keys(
            MappingNode mapping, Set<String> allowed, String where, String noun, Map<String, String> foreign) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                count(key);
            }
            visit(tuple.getValueNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || isNull(tuple.getKeyNode())) {
                diagnostics.error(
                        tuple.getKeyNode(),
                        "a " + noun + " " + where + " must be a plain name, not " + describe(tuple.getKeyNode()));
                continue;
            }
            Entry previous = entries.get(key.getValue());
            if (previous != null) {
                diagnostics.error(
                        key,
                        noun + " `" + abbreviate(key.getValue()) + "` appears twice " + where + " (first at line "
                                + (previous.key().getStartMark().getLine() + 1) + ")");
                continue;
            }
            if (allowed != null && !allowed.contains(key.getValue())) {
                unknownKey(key, allowed, where, noun, foreign);
            }
            entries.put(key.getValue(), new Entry(key, tuple.getValueNode()));
        }
        return entries;
    }

    Map<String, Entry> keys(MappingNode mapping, Set<String> allowed, String where, String noun) {
        return keys(mapping, allowed, where, noun, Map.of());
    }

    void unknownKey(ScalarNode key, Set<String> allowed, String where, String noun, Map<String, String> foreign) {
        String name = key.getValue();
        String explained = foreign.get(name);
        if (explained != null) {
            diagnostics.error(key, explained);
            return;
        }
        Optional<String> suggestion = suggestion(name, allowed);
        diagnostics.error(
                key,
                "unknown " + noun + " `" + abbreviate(name) + "` " + where
                        + suggestion
                                .map(s -> " (did you mean `" + s + "`?)")
                                .orElse(
                                        allowed.isEmpty()
                                                ? "; it takes none"
                                                : "; expected one of " + String.join(", ", allowed)));
    }

    MappingNode mapping(Node node, String sentence) {
        return expect(node, MappingNode.class, sentence);
    }

    SequenceNode sequence(Node node, String sentence) {
        return expect(node, SequenceNode.class, sentence);
    }

    /** The node as that kind, or null with the sentence (plus what was found instead) reported. */
    <T extends Node> T expect(Node node, Class<T> kind, String sentence) {
        visit(node);
        if (kind.isInstance(node)) {
            return kind.cast(node);
        }
        diagnostics.error(node, sentence + ", not " + describe(node));
        return null;
    }

    /** A scalar's text ({@code ""} when empty); lists and mappings are reported. */
    String text(Entry entry, String what) {
        if (entry.value() instanceof ScalarNode scalar) {
            return isNull(scalar) ? "" : scalar.getValue();
        }
        diagnostics.error(entry.value(), what + " must be text, not " + describe(entry.value()));
        return null;
    }

    String requiredText(Entry entry, String what) {
        String text = text(entry, what);
        if (text != null && text.isBlank()) {
            diagnostics.error(
                    entry.value() instanceof ScalarNode s && isNull(s) ? entry.key() : entry.value(),
                    what + " is empty");
            return null;
        }
        return text;
    }

    /** A scalar, a list of scalars or nothing, as names; anything else is reported. */
    List<String> textList(Entry entry, String what) {
        if (entry.value() instanceof ScalarNode scalar) {
            return isNull(scalar) ? List.of() : List.of(scalar.getValue());
        }
        if (!(entry.value() instanceof SequenceNode sequence)) {
            diagnostics.error(entry.value(), what + " must be a list of names, not " + describe(entry.value()));
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            visit(item);
            if (item instanceof ScalarNode scalar && !isNull(scalar)) {
                values.add(scalar.getValue());
            } else {
                diagnostics.error(item, "each entry of " + what + " must be a name, not " + describe(item));
            }
        }
        return values;
    }

    /** The node as JSON: scalars by their YAML type (numbers become numbers, so a matrix's {@code 3.10} is 3.1 as on GitHub). */
    JsonNode json(Node node) {
        visit(node);
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (Entry entry : keys(mapping, null, "here", "key").values()) {
                object.set(entry.name(), json(entry.value()));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            sequence.getValue().forEach(item -> array.add(json(item)));
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return NullNode.getInstance();
        }
        if (tag.equals(Tag.BOOL)) {
            return JsonNodeFactory.instance.booleanNode(isTrue(scalar));
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            double number = Values.parseNumber(scalar.getValue().replace("_", ""));
            if (!Double.isNaN(number)) {
                return Values.number(number);
            }
        }
        return JsonNodeFactory.instance.textNode(scalar.getValue());
    }

    /** The text of the file at a node's line, for positions inside a block scalar. */
    String line(int index) {
        return index >= 0 && index < lines.size() ? lines.get(index) : "";
    }

    void visit(Node node) {
        if (++visited > MAX_NODES) {
            diagnostics.error(
                    node,
                    "the workflow expands to more than " + MAX_NODES + " YAML nodes (through anchors and aliases); "
                            + "it was rejected without expanding it further");
            throw new Abort();
        }
        if (node instanceof ScalarNode scalar) {
            count(scalar);
        }
    }

    private void count(ScalarNode scalar) {
        expandedChars += scalar.getValue().length();
        if (expandedChars > MAX_EXPANDED_CHARS) {
            diagnostics.error(
                    scalar,
                    "the workflow's text comes to more than " + MAX_EXPANDED_CHARS / 1024 + " KiB through aliases of "
                            + "its scalars (at most " + MAX_EXPANDED_CHARS / 1024
                            + " KiB); it was rejected without expanding it further");
            throw new Abort();
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Helpers without state

    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    static boolean isTrue(ScalarNode scalar) {
        return Set.of("true", "yes", "on", "y").contains(scalar.getValue().toLowerCase(Locale.ROOT));
    }

    static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        ScalarNode scalar = (ScalarNode) node;
        return isNull(scalar) ? "empty" : "`" + abbreviate(scalar.getValue()) + "`";
    }

    /** A value as it may be repeated in a message: its first line, at most 80 characters. */
    static String abbreviate(String text) {
        String line = firstLine(text);
        return line.length() < text.strip().length() ? line + " …" : line;
    }

    /**
     * A step's name when it has none: the first line of its script, shortened without cutting an
     * expression, since the controller evaluates it as GitHub's runner does ("Run " + the evaluated line).
     */
    static String defaultStepName(String run) {
        String line = run.strip().lines().findFirst().orElse("");
        String kept = Template.prefix(line, 79);
        return kept.length() < line.length() ? kept.stripTrailing() + "…" : line;
    }

    static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 79) + "…" : line;
    }

    static boolean isBlock(ScalarNode scalar) {
        return scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                || scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED;
    }

    /** The closest allowed name: same letters in another case or with `_` for `-`, a prefix, or at most two edits away. */
    static Optional<String> suggestion(String name, Set<String> candidates) {
        String normalized = name.toLowerCase(Locale.ROOT).replace('_', '-');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(normalized) || (normalized.length() >= 4 && candidate.startsWith(normalized))) {
                return Optional.of(candidate);
            }
            int distance = distance(normalized, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= (name.length() <= 3 ? 1 : 2) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Edits (insert, delete, substitute, swap two neighbours) that turn {@code a} into {@code b}. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3 || a.length() > 100) {
            return Integer.MAX_VALUE / 2;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** The keys of a declaration's mapping (only {@code allowed} ones), none for a null value or one that is no mapping (reported). */
    Map<String, Entry> fields(Entry declared, Set<String> allowed, String where) {
        if (YamlSource.isNull(declared.value())) {
            return Map.of();
        }
        return Optional.ofNullable(mapping(declared.value(), where + " must be a mapping"))
                .map(m -> keys(m, allowed, "in " + where, "key"))
                .orElse(Map.of());
    }

    /** The entry's value as a scalar; an empty one at the key for a value that is none (a list, a mapping). */
    static ScalarNode scalar(Entry entry) {
        return entry.value() instanceof ScalarNode s
                ? s
                : new ScalarNode(
                        Tag.STR, "", entry.key().getStartMark(), entry.key().getEndMark(), null);
    }
}
