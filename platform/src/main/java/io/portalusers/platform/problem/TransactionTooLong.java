package io.portalusers.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.io.IOException;
import java.sql.SQLException;

/**
 * A request whose transaction appended events and stayed open past the append bound: the
 * database refuses its COMMIT (the constraint trigger of {@code db/platform/V2}), so nothing of
 * it is stored and the same request sent again runs afresh. Answered 503 with the code
 * {@value #CODE} and a Retry-After, not as an unexpected failure.
 */
public final class TransactionTooLong {

    public static final String CODE = "transaction-too-long";
    public static final String DETAIL = "the request took too long to complete and stored nothing; try again";
    /** The SQL state the append bound refuses such a COMMIT with (as PostgreSQL 17's transaction_timeout). */
    private static final String SQL_STATE = "25P04";
    private static final String RETRY_AFTER = "1";

    private TransactionTooLong() {
    }

    /** Whether {@code failure}, or anything it was caused by, is the database refusing a transaction held too long. */
    public static boolean causes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Throwable s = t; s instanceof SQLException sql; s = sql.getNextException()) {
                if (SQL_STATE.equals(sql.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ProblemDetail body() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, CODE, DETAIL);
    }

    /** The 503, for a controller advice. */
    static <T> ResponseEntity<T> answer() {
        @SuppressWarnings("unchecked")
        T problem = (T) body();
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER)
                .body(problem);
    }

    /** The 503, written by a servlet filter that caught the failure. */
    public static void write(HttpServletResponse response, ObjectMapper json) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
        Problems.write(response, json, body());
    }
}
