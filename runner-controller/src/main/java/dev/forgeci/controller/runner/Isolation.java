package dev.forgeci.controller.runner;

import java.util.Locale;

/** How a runner gets what nested Docker needs (see DESIGN "Runners"). */
public enum Isolation {

    /** {@code --privileged}, as the seed did. */
    PRIVILEGED,
    /** The sysbox-runc runtime: nested Docker without privilege. */
    SYSBOX,
    /** All capabilities but a drop list, no seccomp/apparmor, cgroupfs read-write: where privileged is refused. */
    CAPABILITIES;

    public static Isolation parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "forge.runner.isolation must be privileged, sysbox or capabilities, not " + value, e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
