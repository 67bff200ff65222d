package io.portalusers.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.request.RequestMetadata;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import java.io.IOException;
import java.net.URI;

/** The one shape of every error body, for MVC and for the security filters alike. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create("urn:portal-users:problem:" + code));
        body.setTitle(status.getReasonPhrase());
        body.setProperty("code", code);
        String correlationId = RequestMetadata.currentCorrelationId();
        if (correlationId != null) {
            body.setProperty("correlationId", correlationId);
        }
        return body;
    }

    /** The code of an error that no rule or handler named more precisely: by its status alone. */
    public static String codeFor(HttpStatus status) {
        return switch (status.value()) {
            case 400 -> "bad-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> status.is5xxServerError() ? "internal-error" : "request-refused";
        };
    }

    /** For servlet filters, which answer before (or instead of) MVC. */
    public static void write(HttpServletResponse response, ObjectMapper json, ProblemDetail body) throws IOException {
        response.setStatus(body.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }

    /**
     * The refusal an exception carries: the first of {@code known} among its causes, following a
     * command's remote details (a refusal on another node arrives as those); {@code e} itself
     * when none is known.
     */
    public static Throwable cause(Throwable e, java.util.List<Class<? extends Throwable>> known) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.axonframework.commandhandling.CommandExecutionException remote
                    && remote.getDetails().orElse(null) instanceof Throwable details) {
                return cause(details, known);
            }
            Throwable candidate = t;
            if (known.stream().anyMatch(type -> type.isInstance(candidate))) {
                return candidate;
            }
        }
        return e;
    }
}
