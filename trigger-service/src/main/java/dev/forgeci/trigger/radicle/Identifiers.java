package dev.forgeci.trigger.radicle;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation of everything that names a repository or a revision, at the edge: nothing that fails
 * here reaches git, and nothing is ever placed in a shell command line anyway.
 */
public final class Identifiers {

    /**
     * A repository id is multibase base58btc (no 0, O, I or l), as the runner-controller also insists;
     * node ids are only held to letters and digits, which is what keeps them safe to pass on.
     */
    private static final String BASE58 = "[1-9A-HJ-NP-Za-km-z]";

    private static final String ALPHANUMERIC = "[0-9A-Za-z]";
    private static final Pattern RID = Pattern.compile("rad:z" + BASE58 + "{20,60}");
    private static final Pattern NID = Pattern.compile("z" + ALPHANUMERIC + "{40,60}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ZERO_ID = Pattern.compile("0{40}");

    private Identifiers() {}

    public static boolean isRepositoryId(String rid) {
        return rid != null && RID.matcher(rid).matches();
    }

    public static boolean isCommit(String commit) {
        return commit != null && OBJECT_ID.matcher(commit).matches();
    }

    /** The all-zero id a push carries as {@code after} when it deleted the branch. */
    public static boolean isZero(String commit) {
        return commit != null && ZERO_ID.matcher(commit).matches();
    }

    public static boolean isPatchId(String id) {
        return id != null && OBJECT_ID.matcher(id).matches();
    }

    /** The node id of a {@code did:key:z6Mk…} (or of a bare {@code z6Mk…}), or empty when it is neither. */
    public static Optional<String> nodeId(String did) {
        if (did == null) {
            return Optional.empty();
        }
        String nid = did.startsWith("did:key:") ? did.substring("did:key:".length()) : did;
        return NID.matcher(nid).matches() ? Optional.of(nid) : Optional.empty();
    }

    /** Why {@code branch} is not a usable branch name, or empty when it is one. */
    public static Optional<String> branchProblem(String branch) {
        if (branch == null || branch.isEmpty()) {
            return Optional.of("a branch name is required");
        }
        if (branch.startsWith("refs/")) {
            return Optional.of("give the branch name without refs/heads/");
        }
        return refProblem("refs/heads/" + branch);
    }

    /**
     * Why {@code ref} is not a full ref name that git accepts (the rules of git-check-ref-format),
     * or empty when it is. Additionally no component may start with {@code -}, so a ref can never
     * be read as a command-line option.
     */
    public static Optional<String> refProblem(String ref) {
        if (ref == null || ref.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (ref.length() > 255) {
            return Optional.of("it is longer than 255 characters");
        }
        if (!ref.startsWith("refs/")) {
            return Optional.of("a full ref starts with refs/ (for example refs/heads/main)");
        }
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (c == ' ') {
                return Optional.of("it contains a space");
            }
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("it contains a control character");
            }
            if ("~^:?*[\\".indexOf(c) >= 0) {
                return Optional.of("it contains `" + c + "`, which git does not allow in ref names");
            }
        }
        if (ref.contains("..")) {
            return Optional.of("it contains `..`");
        }
        if (ref.contains("@{") || ref.equals("@")) {
            return Optional.of("it contains `@{`");
        }
        if (ref.endsWith("/") || ref.contains("//")) {
            return Optional.of("it has an empty path component");
        }
        if (ref.endsWith(".")) {
            return Optional.of("it ends with `.`");
        }
        for (String component : ref.split("/")) {
            if (component.startsWith(".")) {
                return Optional.of("a path component starts with `.`");
            }
            if (component.startsWith("-")) {
                return Optional.of("a path component starts with `-`");
            }
            if (component.endsWith(".lock")) {
                return Optional.of("a path component ends with `.lock`");
            }
        }
        return Optional.empty();
    }
}
