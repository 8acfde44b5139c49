package dev.forgeci.trigger.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that needs {@code Authorization: Bearer <token>}: always for writes, for reads
 * unless {@code forge.auth.anonymous-read} is true.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BearerToken {

    Access value();

    enum Access {
        READ, WRITE
    }
}
