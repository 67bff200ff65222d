package io.portalusers.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.io.IOException;

/**
 * What the security firewall refuses (encoded slashes, {@code //}, {@code ;} parameters,
 * control characters in a URL or a parameter name) is a 400 in the API's problem+json, counted
 * and logged in one line: a request of this kind is a probe, not a fault, so it gets no stack
 * trace. Spring Security's own default rethrows it, which made it a 500 for anyone.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RejectedRequests implements RequestRejectedHandler {

    public static final String CODE = "request-rejected";
    public static final String DETAIL = "the request's URL or parameter names contain characters this service does not accept";
    public static final String WHY = "the firewall refused its URL or parameters";

    private final ObjectMapper json;
    private final SecurityRefusals refusals;

    RejectedRequests(ObjectMapper json, SecurityRefusals refusals) {
        this.json = json;
        this.refusals = refusals;
    }

    /**
     * The firewall checks parameter names only when they are first read, which may be in a
     * controller (an actuator endpoint reads every parameter): the same 400 as a URL it refuses.
     * Before the general advice, whose catch-all would make it a 500.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e, HttpServletRequest request) {
        refusals.record(SecurityRefusals.Reason.REQUEST_REJECTED, request, WHY);
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(HttpStatus.BAD_REQUEST, CODE, DETAIL));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        refusals.record(SecurityRefusals.Reason.REQUEST_REJECTED, request, WHY);
        if (!response.isCommitted()) {
            response.resetBuffer();
            Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, CODE, DETAIL));
        }
    }
}
