package dev.forgeci.language.action;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a step's {@code uses:} names, as GitHub reads it: the built-in {@code actions/checkout}, an
 * action in a repository ({@code owner/repo@ref}, {@code owner/repo/path@ref}), one in the job's
 * checkout ({@code ./path}) or a Docker image ({@code docker://image}). Every part is checked here,
 * once, for both the lint (trigger-service) and the run (runner-controller): what passes reaches git
 * and the file system only as arguments and relative paths that stay where they belong.
 */
public sealed interface ActionReference {

    /** {@code actions/checkout} at any version: Forge's own, nothing is fetched. */
    record Checkout(String ref) implements ActionReference {
        @Override
        public String display() {
            return "actions/checkout@" + ref;
        }
    }

    /** An action in the job's workspace; {@code path} is relative, normalised, "" for the workspace itself. */
    record Local(String path) implements ActionReference {
        @Override
        public String display() {
            return path.isEmpty() ? "./" : "./" + path;
        }
    }

    /** An action in a repository; {@code path} is its directory there, "" for the repository's root. */
    record Remote(String owner, String repo, String path, String ref) implements ActionReference {
        @Override
        public String display() {
            return owner + "/" + repo + (path.isEmpty() ? "" : "/" + path) + "@" + ref;
        }

        /** {@code owner/repo}, as GitHub's {@code github.action_repository} says it. */
        public String repository() {
            return owner + "/" + repo;
        }

        /** Where a mirror keeps it: {@code <mirror>/<owner>/<repo>.git}, a bare repository. */
        public java.nio.file.Path in(java.nio.file.Path mirror) {
            return mirror.resolve(owner).resolve(repo + ".git");
        }

        /**
         * Where an upstream serves it: {@code <upstream>/<owner>/<repo>}, as github.com does; or the
         * upstream with {@code {owner}} and {@code {repo}} filled in, for a server laid out otherwise
         * — a Radicle seed serves {@code https://<seed>/{repo}.git}, with a repository id as the name.
         */
        public String at(String upstream) {
            if (upstream.contains("{owner}") || upstream.contains("{repo}")) {
                return upstream.replace("{owner}", owner).replace("{repo}", repo);
            }
            return upstream.replaceAll("/+$", "") + "/" + owner + "/" + repo;
        }

        /** The ref is a full commit id, which no one can move. */
        public boolean pinned() {
            return FULL_SHA.matcher(ref).matches();
        }
    }

    /** {@code docker://image}: a Docker action with no metadata of its own. */
    record DockerImage(String image) implements ActionReference {
        @Override
        public String display() {
            return "docker://" + image;
        }
    }

    /** How the reference reads in a log line or a diagnostic. */
    String display();

    /** Why a {@code uses:} value is refused: the sentence a lint answer or a job's log shows. */
    final class InvalidReferenceException extends IllegalArgumentException {
        public InvalidReferenceException(String message) {
            super(message);
        }
    }

    Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}");

    /** GitHub's owner and repository names: letters, digits, '-', '_' and '.'. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** A ref as git takes it, without anything a shell or git's option parser could read as syntax. */
    Pattern REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./+-]*");

    Pattern REMOTE = Pattern.compile("([^/@]+)/([^/@]+)((?:/[^/@]+)*)@(.+)");

    static ActionReference parse(String uses) {
        String value = uses == null ? "" : uses.strip();
        if (value.startsWith("docker://")) {
            String image = value.substring("docker://".length());
            if (!image.matches("[A-Za-z0-9][A-Za-z0-9_.:/@-]*")) {
                throw new InvalidReferenceException("`uses: " + abbreviate(value) + "` does not name a Docker image");
            }
            return new DockerImage(image);
        }
        if (value.startsWith("./") || value.equals(".")) {
            return new Local(relative(value, "`uses: " + abbreviate(value) + "`"));
        }
        Matcher remote = REMOTE.matcher(value);
        if (!remote.matches()) {
            throw new InvalidReferenceException(
                    "`uses: " + abbreviate(value) + "` is not an action: use owner/repo@ref, owner/repo/path@ref, "
                            + "./path-in-the-checkout or docker://image");
        }
        String owner = remote.group(1);
        String repo = remote.group(2);
        String ref = remote.group(4);
        if (!NAME.matcher(owner).matches()
                || !NAME.matcher(repo).matches()
                || owner.matches("\\.+")
                || repo.matches("\\.+")) {
            throw new InvalidReferenceException("`uses: " + abbreviate(value) + "`: `" + abbreviate(owner + "/" + repo)
                    + "` is not a repository name (letters, digits, '-', '_', '.')");
        }
        if (!REF.matcher(ref).matches() || ref.contains("..") || ref.endsWith(".lock") || ref.endsWith("/")) {
            throw new InvalidReferenceException("`uses: " + abbreviate(value) + "`: `" + abbreviate(ref)
                    + "` is not a ref (a tag, a branch or a commit SHA)");
        }
        String path = relative(
                remote.group(3).isEmpty() ? "" : remote.group(3).substring(1), "`uses: " + abbreviate(value) + "`");
        if (owner.equals("actions") && repo.equals("checkout") && path.isEmpty()) {
            return new Checkout(ref);
        }
        return new Remote(owner, repo, path, ref);
    }

    /** A relative path without '.', '..' or empty segments; "" for the directory itself. */
    private static String relative(String path, String where) {
        StringBuilder normal = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") || segment.indexOf('\0') >= 0 || segment.indexOf('\\') >= 0) {
                throw new InvalidReferenceException(where + ": the path must stay inside its directory (no '..')");
            }
            normal.append(normal.isEmpty() ? "" : "/").append(segment);
        }
        return normal.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
