package dev.forgeci.trigger.radicle;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;

/**
 * The operator's seed allowlist. Every URL Forge CI would contact on a request's behalf — a seed
 * given in a manual trigger, a webhook's clone_url, its commit_status_url — must have the scheme, host
 * and port of an allowed seed, so the service cannot be aimed at arbitrary hosts.
 */
@ApplicationScoped
public class Seeds {

    private final String defaultUrl;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();

    public Seeds(ForgeConfig config) {
        this.defaultUrl = stripTrailingSlash(config.seed().defaultUrl());
        List<String> allowed = config.seed().allowed().orElse(List.of(defaultUrl));
        for (String seed : allowed) {
            allowedOrigins.add(origin(seed)
                    .orElseThrow(() ->
                            new IllegalArgumentException("forge.seed.allowed: `" + seed + "` is not an http(s) URL")));
        }
    }

    public String defaultUrl() {
        return defaultUrl;
    }

    /** Where a seed serves a repository over smart HTTP: {@code <seed>/<rid without "rad:">.git}. */
    public String cloneUrl(String seed, String rid) {
        return stripTrailingSlash(seed) + "/" + rid.substring("rad:".length()) + ".git";
    }

    /** Why Forge CI will not contact {@code url}, or empty when it is on the allowlist. */
    public Optional<String> refusal(String url) {
        Optional<String> origin = origin(url);
        if (origin.isEmpty()) {
            return Optional.of("`" + url + "` is not a plain http(s) URL");
        }
        if (!allowedOrigins.contains(origin.get())) {
            return Optional.of(origin.get() + " is not one of the seeds this server may contact");
        }
        return Optional.empty();
    }

    /** scheme://host:port of a plain http(s) URL (no user info, no odd characters), or empty. */
    static Optional<String> origin(String url) {
        if (url == null || url.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == 0x7f)) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
