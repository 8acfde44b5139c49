package dev.forgeci.trigger.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forgeci.trigger.config.ForgeConfig;

/**
 * Checks bearer tokens against {@code forge.auth.tokens}. Tokens are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual} against every configured token, so neither content nor length
 * leaks through timing. Application-scoped, so the configuration is read at the first request,
 * not while REST filters are set up at build time.
 */
@ApplicationScoped
public class BearerAuthentication {

    private static final String PREFIX = "Bearer ";

    private final List<byte[]> tokens;
    private final boolean anonymousRead;

    public BearerAuthentication(ForgeConfig config) {
        this.tokens = config.auth().tokens().orElse(List.of()).stream()
                .map(String::strip).filter(t -> !t.isEmpty()).map(BearerAuthentication::digest).toList();
        this.anonymousRead = config.auth().anonymousRead();
    }

    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request, ResourceInfo resource) {
        BearerToken required = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(BearerToken.class);
        if (required == null || (required.value() == BearerToken.Access.READ && anonymousRead)) {
            return null;
        }
        if (accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        return Problems.response(new ProblemException(ProblemType.UNAUTHORIZED,
                "this endpoint needs `Authorization: Bearer <token>` with a token this server accepts", null,
                Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"forge-ci\"")), request.getUriInfo().getPath());
    }

    boolean accepts(String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] presented = digest(header.substring(PREFIX.length()).strip());
        boolean accepted = false;
        for (byte[] token : tokens) {
            accepted |= MessageDigest.isEqual(presented, token);
        }
        return accepted;
    }

    /** A short, non-reversible name for the token in an Authorization header, to say which client acted. */
    public static String fingerprint(String header) {
        String token = header == null ? "" : header.substring(Math.min(header.length(), PREFIX.length())).strip();
        return "token:" + HexFormat.of().formatHex(digest(token)).substring(0, 8);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
