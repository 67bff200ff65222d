package io.portalusers.platform.web.idempotency;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;
import java.security.MessageDigest;

/** The first answer to a caller's key, and the digest of the request it answered. */
record RecordedResponse(byte[] requestHash, int status, String location, String etag, String contentType,
                        byte[] body) {

    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    static RecordedResponse of(byte[] requestHash, ContentCachingResponseWrapper response) {
        return new RecordedResponse(requestHash, response.getStatus(), response.getHeader(HttpHeaders.LOCATION),
                response.getHeader(HttpHeaders.ETAG), response.getContentType(), response.getContentAsByteArray());
    }

    boolean answers(byte[] otherRequestHash) {
        return MessageDigest.isEqual(requestHash, otherRequestHash);
    }

    void replayTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        if (location != null) {
            response.setHeader(HttpHeaders.LOCATION, location);
        }
        if (etag != null) {
            response.setHeader(HttpHeaders.ETAG, etag);
        }
        if (contentType != null) {
            response.setContentType(contentType);
        }
        response.setHeader(REPLAYED_HEADER, "true");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
