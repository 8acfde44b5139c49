package dev.forgeci.controller.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.controller.config.ControllerConfig;

/**
 * The controller's own secrets: a directory where {@code <dir>/<rid without rad:>/<NAME>} overrides
 * {@code <dir>/_global/<NAME>}. Each may also be one flat file, {@code <rid without rad:>.<NAME>}
 * and {@code _global.<NAME>}: the layout of a Kubernetes Secret mounted as a volume, whose keys
 * cannot hold a '/' (neither a name nor a repository id can hold a '.', so the two never clash).
 * Names and repository ids are checked before they touch a path.
 */
@ApplicationScoped
public class SecretStore {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern RID = Pattern.compile("rad:(z[1-9A-HJ-NP-Za-km-z]+)");
    private static final String GLOBAL = "_global";

    private final Path dir;

    @Inject
    public SecretStore(ControllerConfig config) {
        this(config.secrets().dir());
    }

    public SecretStore(Path dir) {
        this.dir = dir;
    }

    /** What a job's secret names resolve to; {@code missing} are names found nowhere (or not valid names). */
    public record Resolved(Map<String, String> values, List<String> missing) {}

    public Resolved resolve(String repositoryId, List<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        var rid = repositoryId == null ? null : RID.matcher(repositoryId);
        String repositoryDir = rid != null && rid.matches() ? rid.group(1) : null;
        for (String name : names) {
            String value = NAME.matcher(name).matches() ? read(repositoryDir, name) : null;
            if (value == null) {
                missing.add(name);
            } else {
                values.put(name, value);
            }
        }
        return new Resolved(values, missing);
    }

    private String read(String repositoryDir, String name) {
        if (repositoryDir != null) {
            String own = readEither(repositoryDir, name);
            if (own != null) {
                return own;
            }
        }
        return readEither(GLOBAL, name);
    }

    /** {@code <scope>/<NAME>}, else {@code <scope>.<NAME>}. */
    private String readEither(String scope, String name) {
        String nested = readFile(dir.resolve(scope).resolve(name));
        return nested != null ? nested : readFile(dir.resolve(scope + "." + name));
    }

    /** A file's content without the one trailing newline an editor or `echo` adds. */
    private static String readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8);
            if (value.endsWith("\r\n")) {
                return value.substring(0, value.length() - 2);
            }
            return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        } catch (IOException e) {
            throw new UncheckedIOException("secret file " + file + " is not readable", e);
        }
    }
}
