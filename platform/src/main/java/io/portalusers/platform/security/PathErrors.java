package io.portalusers.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;

import java.io.IOException;

/**
 * Paths whose errors have a shape of their own (SCIM's, for its clients): a module that serves
 * such paths declares a bean of these, and the security filters' 401 and 403 on those paths
 * are written by it instead of as problem+json.
 */
public interface PathErrors {

    boolean covers(HttpServletRequest request);

    /**
     * Whether a path of the OpenAPI document is one of these: its module documents its answers
     * itself, and the document's problem+json answers are not added to it.
     */
    boolean documents(String path);

    void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException;
}
