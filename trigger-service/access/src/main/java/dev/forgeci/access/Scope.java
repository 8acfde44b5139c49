package dev.forgeci.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do in its repositories. Each scope includes the ones before it: {@code run}
 * can read, {@code write} (cancel, re-run, approve) can run, {@code admin} can do everything.
 * The lowercase name is the role that {@code @RolesAllowed} names.
 */
public enum Scope {
    READ,
    RUN,
    WRITE,
    ADMIN;

    public static final String READ_ROLE = "read";
    public static final String RUN_ROLE = "run";
    public static final String WRITE_ROLE = "write";
    public static final String ADMIN_ROLE = "admin";

    public String role() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Scope other) {
        return ordinal() >= other.ordinal();
    }

    /** The roles of the scopes {@code granted} include. */
    public static Set<String> roles(Set<Scope> granted) {
        return Arrays.stream(values())
                .filter(s -> granted.stream().anyMatch(g -> g.includes(s)))
                .map(Scope::role)
                .collect(Collectors.toUnmodifiableSet());
    }
}
