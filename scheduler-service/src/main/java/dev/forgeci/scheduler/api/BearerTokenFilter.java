package dev.forgeci.scheduler.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.forgeci.scheduler.config.AuthConfig;

/** Writes need a configured bearer token; reads too unless anonymous reads are allowed. */
public class BearerTokenFilter {

    private final List<byte[]> tokens;
    private final boolean anonymousRead;

    public BearerTokenFilter(AuthConfig config) {
        this.tokens = config.tokens().orElse(List.of()).stream().filter(t -> !t.isBlank())
                .map(t -> t.strip().getBytes(StandardCharsets.UTF_8)).toList();
        this.anonymousRead = config.anonymousRead();
    }

    @ServerRequestFilter
    public Optional<RestResponse<Problem>> authorize(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        boolean read = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
        if (read && anonymousRead || presented(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return Optional.empty();
        }
        Problem problem = Problem.of(401, "unauthorized", "Unauthorized",
                (read ? "Reading runs" : "This request") + " needs an Authorization: Bearer <token> header with a valid token.", path);
        return Optional.of(RestResponse.ResponseBuilder.<Problem> create(401).entity(problem).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"forge-ci\"").build());
    }

    private boolean presented(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        // Compares with every token in constant time, so timing tells nothing about which one is close.
        for (byte[] token : tokens) {
            match |= MessageDigest.isEqual(token, given);
        }
        return match;
    }
}
