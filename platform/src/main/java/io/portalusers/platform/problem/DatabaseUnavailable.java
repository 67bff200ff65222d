package io.portalusers.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.MediaType;
import org.springframework.transaction.TransactionSystemException;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The database cannot be reached (it stopped, restarts, or no pooled connection came within
 * Hikari's connection timeout): a request that needed it is answered 503 with the code
 * {@value #CODE} and a {@code Retry-After}, not a 500, so that callers and load balancers
 * know to try again shortly. It is recognised anywhere in a failure's causes, however Spring,
 * Axon or the command bus wrapped it: a connection that could not be had (Hikari's
 * {@link SQLTransientConnectionException}, Spring's {@code CannotGetJdbcConnectionException}
 * or {@code CannotCreateTransactionException} above it), a connection lost under a
 * statement (SQL state class 08, or a connection the pool closed as broken under a
 * transaction), and PostgreSQL's own "shutting down / crashed / starting
 * up" answers (57P01, 57P02, 57P03). A statement timeout (57014) is not among them.
 *
 * <p>A command answered with it may or may not have been stored (the connection can break
 * after the commit left, before its answer came): a caller repeats it with the same
 * {@code Idempotency-Key}, or the same client-chosen id, to be safe.
 */
public final class DatabaseUnavailable {

    public static final String CODE = "database-unavailable";
    public static final String DETAIL = "the database is unavailable for now; try again shortly";
    /** What callers are told to wait: about as long as PostgreSQL needs to restart after a crash. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String STATEMENT_TIMEOUT = "57014";
    private static final String HIKARI_CLOSED = "Connection is closed";

    private DatabaseUnavailable() {
    }

    /** Whether {@code failure}, or anything it was caused by, says the database is out of reach. */
    public static boolean causes(Throwable failure) {
        List<Throwable> chain = chain(failure);
        if (chain.stream().anyMatch(t -> t instanceof SQLException sql && STATEMENT_TIMEOUT.equals(sql.getSQLState()))) {
            return false; // a statement cut off by its timeout: the database answered
        }
        return chain.stream().anyMatch(t -> t instanceof DataAccessResourceFailureException
                || t instanceof TransientDataAccessResourceException
                || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLException sql && (unreachable(sql.getSQLState()) || closedByPool(sql)));
    }

    /**
     * What Hikari throws for any use of a connection it closed because the connection broke
     * (as the rollback after a commit whose connection broke does): no SQL state, this message.
     */
    private static boolean closedByPool(SQLException e) {
        return e.getSQLState() == null && HIKARI_CLOSED.equals(e.getMessage());
    }

    /**
     * The failure and everything behind it: causes, the exceptions chained to a SQLException
     * (a driver's batch failure), and the commit's own failure behind a failed rollback (Spring
     * keeps that as the "application exception", not as the cause: a commit whose connection
     * broke, then a rollback on the closed connection).
     */
    private static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        Deque<Throwable> next = new ArrayDeque<>();
        next.add(failure);
        while (!next.isEmpty()) {
            Throwable t = next.poll();
            if (!seen.add(t)) {
                continue;
            }
            chain.add(t);
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                next.add(sql.getNextException());
            }
            if (t instanceof TransactionSystemException transaction && transaction.getApplicationException() != null) {
                next.add(transaction.getApplicationException());
            }
        }
        return chain;
    }

    /** Connection exceptions (class 08) and PostgreSQL's admin shutdown, crash shutdown, cannot connect now. */
    private static boolean unreachable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08")
                || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03"));
    }

    private static ProblemDetail body() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, CODE, DETAIL);
    }

    private static String retryAfter() {
        return Long.toString(RETRY_AFTER.toSeconds());
    }

    /** The 503, for a controller advice or an error controller. */
    static <T> ResponseEntity<T> answer() {
        @SuppressWarnings("unchecked")
        T problem = (T) body();
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, retryAfter())
                .body(problem);
    }

    /** The 503, written by a servlet filter that caught the failure. */
    public static void write(HttpServletResponse response, ObjectMapper json) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter());
        Problems.write(response, json, body());
    }
}
