package io.portalusers.platform.problem;

import io.portalusers.platform.web.RequestMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

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
}
