package io.portalusers.platform.web.idempotency;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.UserId;
import io.portalusers.platform.problem.DatabaseUnavailable;
import io.portalusers.platform.problem.Problems;
import io.portalusers.platform.problem.TransactionTooLong;
import io.portalusers.platform.request.RequestMetadata;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on {@code POST /api/**} (IETF draft "The Idempotency-Key HTTP
 * Header Field"): a caller's request takes effect at most once per key, and a repeat gets
 * the first answer again.
 * <p>
 * The request runs inside a database transaction that also writes its answer, so the
 * command's events (appended in the same transaction) and the record of its answer are
 * stored together or not at all: a crash at any point leaves either both or neither, and a
 * retry either replays or runs afresh. An advisory lock on (caller, key) makes a concurrent
 * duplicate a 409 at once instead of a second execution. A 5xx is rolled back whole and not
 * recorded, so that its retry runs; a 4xx is recorded (a refused command stays refused for
 * that key), after undoing whatever the refused request wrote.
 * <p>
 * Runs after the security filters: keys are scoped to the authenticated caller, and
 * anonymous requests pass through untouched.
 */
@Component
@Order(SecurityProperties.DEFAULT_FILTER_ORDER + 1)
public class IdempotencyKeyFilter extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyFilter.class);
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final IdempotencyKeys keys;
    private final PlatformTransactionManager transactions;
    private final TransactionTemplate newTransaction;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    IdempotencyKeyFilter(IdempotencyKeys keys, PlatformTransactionManager transactions, ObjectMapper json,
                         @Value("${portal.web.max-body-bytes}") int maxBodyBytes) {
        this.keys = keys;
        this.transactions = transactions;
        this.newTransaction = new TransactionTemplate(transactions);
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !HttpMethod.POST.matches(request.getMethod()) || !path.startsWith("/api/")
                || request.getHeader(HEADER) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<UserId> caller = RequestMetadata.currentActorId().map(UserId::of);
        if (caller.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        List<String> given = Collections.list(request.getHeaders(HEADER));
        if (given.size() != 1 || !VALID_KEY.matcher(given.get(0)).matches()) {
            ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "the request has invalid fields");
            problem.setProperty("errors", List.of(Map.of("field", HEADER,
                    "message", "must be one value of 1 to 255 visible ASCII characters")));
            Problems.write(response, json, problem);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            Problems.write(response, json, Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large",
                    "the body is larger than " + maxBodyBytes + " bytes"));
            return;
        }
        once(caller.get(), given.get(0), requestHash(request, body), new BufferedBodyRequest(request, body), response,
                chain);
    }

    private void once(UserId caller, String key, byte[] requestHash, HttpServletRequest request,
                      HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        Instant now = Instant.now();
        TransactionStatus transaction = transactions.getTransaction(TransactionDefinition.withDefaults());
        ContentCachingResponseWrapper recorder = new ContentCachingResponseWrapper(response);
        try {
            if (!keys.tryLock(caller, key)) {
                transactions.rollback(transaction);
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                Problems.write(response, json, Problems.of(HttpStatus.CONFLICT, "idempotency-key-in-progress",
                        "a request with this Idempotency-Key is in progress; retry later for its answer"));
                return;
            }
            Optional<RecordedResponse> recorded = keys.find(caller, key, now);
            if (recorded.isPresent()) {
                transactions.rollback(transaction);
                replay(recorded.get(), requestHash, response);
                return;
            }
            chain.doFilter(request, recorder);
            int status = recorder.getStatus();
            if (status < 400) {
                keys.record(caller, key, RecordedResponse.of(requestHash, recorder), now);
                transactions.commit(transaction);
            } else if (status < 500) {
                // A refusal leaves nothing behind but its answer, recorded on its own. A 5xx is
                // rolled back below and not recorded, so that its retry runs again.
                transactions.rollback(transaction);
                newTransaction.executeWithoutResult(
                        again -> keys.record(caller, key, RecordedResponse.of(requestHash, recorder), now));
            }
        } catch (RuntimeException e) {
            if (response.isCommitted()) {
                throw e;
            }
            // Mostly the database failing under the record or the commit: then nothing was
            // stored, and the caller must not hear that the command took effect. The database
            // out of reach is the 503 any request gets then; a repeat with the key runs afresh.
            if (DatabaseUnavailable.causes(e)) {
                log.warn("A request with an Idempotency-Key met the database unavailable ({})", e.getClass().getSimpleName());
                recorder.reset();
                DatabaseUnavailable.write(response, json);
                return;
            }
            if (TransactionTooLong.causes(e)) {
                log.warn("A request with an Idempotency-Key held its transaction past the append bound; nothing stored");
                recorder.reset();
                TransactionTooLong.write(response, json);
                return;
            }
            log.error("A request with an Idempotency-Key could not be completed", e);
            answerFailure(recorder, response);
            return;
        } finally {
            if (!transaction.isCompleted()) {
                rollbackQuietly(transaction);
            }
        }
        recorder.copyBodyToResponse();
    }

    private void replay(RecordedResponse recorded, byte[] requestHash, HttpServletResponse response) throws IOException {
        if (recorded.answers(requestHash)) {
            recorded.replayTo(response);
        } else {
            Problems.write(response, json, Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                    "this Idempotency-Key was used for a different request; use a new key for a new request"));
        }
    }

    private void answerFailure(ContentCachingResponseWrapper recorder, HttpServletResponse response) throws IOException {
        recorder.reset();
        String correlationId = RequestMetadata.currentCorrelationId();
        if (correlationId != null) {
            response.setHeader(RequestMetadata.CORRELATION_ID_HEADER, correlationId);
        }
        Problems.write(response, json, Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "the request could not be completed; quote the correlation id when reporting it"));
    }

    private void rollbackQuietly(TransactionStatus transaction) {
        try {
            transactions.rollback(transaction);
        } catch (RuntimeException e) {
            log.warn("Rollback failed", e);
        }
    }

    /** Method, path with query, and body: what makes a repeat the same request. */
    private static byte[] requestHash(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String query = request.getQueryString();
            String target = request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query);
            digest.update(target.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(body);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
