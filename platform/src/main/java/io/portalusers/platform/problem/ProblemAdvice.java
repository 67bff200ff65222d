package io.portalusers.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.portalusers.api.InvalidValueException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every error leaves as application/problem+json with a stable {@code code} (the rule id
 * where a rule refuses) and the request's correlation id. Nothing of a stack trace, a SQL
 * statement or a parser's message reaches the body.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final UniqueConstraints constraints;

    public ProblemAdvice(UniqueConstraints constraints) {
        this.constraints = constraints;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> handleTypeMismatch(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "the request has invalid fields",
                Map.of("errors", List.of(fieldError(e.getName(), "is not valid"))));
    }

    /**
     * Domain refusals arrive as themselves, or wrapped by the command bus or an event processor.
     * A database out of reach is a 503 whatever wrapped it (see {@link DatabaseUnavailable}).
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handle(Exception e) {
        if (DatabaseUnavailable.causes(e)) {
            log.warn("Database unavailable: answered 503 ({})", e.getClass().getSimpleName());
            return DatabaseUnavailable.answer();
        }
        return respond(unwrap(e));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return problem(HttpStatus.BAD_REQUEST, "unknown-field", "the request has a field this operation does not take",
                    Map.of("errors", List.of(fieldError(path(unknown), "is not a known field"))));
        }
        if (cause instanceof JsonMappingException mapping && !isTrailingContent(mapping)) {
            Throwable inner = mapping.getCause();
            String message = inner instanceof InvalidValueException invalid ? invalid.getMessage()
                    : mapping.getPath().isEmpty() ? "must be a JSON object" : "is not valid";
            return problem(HttpStatus.BAD_REQUEST, "invalid-request", "the request has invalid fields",
                    Map.of("errors", List.of(fieldError(path(mapping), message))));
        }
        if (cause instanceof JsonProcessingException) {
            return problem(HttpStatus.BAD_REQUEST, "malformed-json", "the body is not well-formed JSON", Map.of());
        }
        return problem(HttpStatus.BAD_REQUEST, "unreadable-body", "the body is missing or cannot be read", Map.of());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String code = Problems.codeFor(HttpStatus.valueOf(status.value()));
        String detail = body instanceof ProblemDetail p && p.getDetail() != null && status.is4xxClientError()
                ? p.getDetail() : HttpStatus.valueOf(status.value()).getReasonPhrase();
        if (status.is5xxServerError()) {
            log.error("Request failed", e);
        }
        ResponseEntity<Object> response = problem(HttpStatus.valueOf(status.value()), code, detail, Map.of());
        HttpHeaders merged = new HttpHeaders();
        merged.addAll(headers);
        merged.addAll(response.getHeaders());
        merged.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(response.getBody(), merged, response.getStatusCode());
    }

    private ResponseEntity<Object> respond(Throwable e) {
        if (e instanceof RuleViolationException rule) {
            log.info("Refused by {}: {}", rule.ruleId(), rule.getMessage());
            return rule.isForbidden()
                    ? problem(HttpStatus.FORBIDDEN, rule.ruleId(), rule.getMessage(), Map.of())
                    : problem(rule.isMalformed() ? HttpStatus.BAD_REQUEST : HttpStatus.UNPROCESSABLE_ENTITY,
                            rule.ruleId(), rule.getMessage(),
                            Map.of("errors", List.of(fieldError(rule.field(), rule.getMessage()))));
        }
        if (e instanceof ConflictException conflict) {
            return conflict(conflict);
        }
        if (e instanceof TooManyRequestsException busy) {
            ResponseEntity<Object> answer = problem(HttpStatus.TOO_MANY_REQUESTS, busy.code(), busy.getMessage(), Map.of());
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, busy.retryAfter().toSeconds())))
                    .body(answer.getBody());
        }
        if (e instanceof NotFoundException || e instanceof AggregateNotFoundException) {
            return problem(HttpStatus.NOT_FOUND, "not-found", "no such resource", Map.of());
        }
        if (e instanceof FieldErrors.InvalidRequestException invalid) {
            return problem(HttpStatus.BAD_REQUEST, invalid.code(), invalid.getMessage(),
                    Map.of("errors", invalid.errors()));
        }
        if (e instanceof InvalidValueException invalid) {
            String field = invalid.field() == null ? "" : invalid.field();
            return problem(HttpStatus.BAD_REQUEST, "invalid-request", "the request has invalid fields",
                    Map.of("errors", List.of(fieldError(field, invalid.getMessage()))));
        }
        if (e instanceof ConflictingAggregateVersionException) {
            return problem(HttpStatus.CONFLICT, "stale-version",
                    "the resource changed since the version given in If-Match; read it again", Map.of());
        }
        if (e instanceof AggregateStreamCreationException) {
            return problem(HttpStatus.CONFLICT, "already-exists", "a resource with this id exists", Map.of());
        }
        if (e instanceof ConcurrencyException) {
            return problem(HttpStatus.CONFLICT, "concurrent-modification",
                    "the resource was changed at the same time; try again", Map.of());
        }
        if (e instanceof DataIntegrityViolationException integrity) {
            Optional<ConflictException> known = constraints.violated(integrity);
            if (known.isPresent()) {
                return conflict(known.get());
            }
            log.warn("Unmapped integrity violation", integrity);
            return problem(HttpStatus.CONFLICT, "conflict", "the request conflicts with existing data", Map.of());
        }
        if (TransactionTooLong.causes(e)) {
            log.warn("A request's transaction was open past the append bound: answered 503, nothing stored");
            return TransactionTooLong.answer();
        }
        log.error("Unexpected failure", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "the request could not be completed; quote the correlation id when reporting it", Map.of());
    }

    private ResponseEntity<Object> conflict(ConflictException conflict) {
        Map<String, Object> extra = conflict.field() == null
                ? Map.of()
                : Map.of("errors", List.of(fieldError(conflict.field(), conflict.getMessage())));
        return problem(HttpStatus.CONFLICT, conflict.code(), conflict.getMessage(), extra);
    }

    static ResponseEntity<Object> problem(HttpStatus status, String code, String detail, Map<String, ?> extra) {
        ProblemDetail body = Problems.of(status, code, detail);
        extra.forEach(body::setProperty);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    private static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** Jackson reports content after the JSON value as a mapping problem; to a caller it is malformed JSON. */
    private static boolean isTrailingContent(JsonMappingException e) {
        return e.getPath().isEmpty() && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token");
    }

    private static Throwable unwrap(Throwable e) {
        return Problems.cause(e, KNOWN);
    }

    private static final List<Class<? extends Throwable>> KNOWN = List.of(
            RuleViolationException.class, ConflictException.class, NotFoundException.class, TooManyRequestsException.class,
            FieldErrors.InvalidRequestException.class, InvalidValueException.class,
            AggregateNotFoundException.class, ConflictingAggregateVersionException.class,
            AggregateStreamCreationException.class, ConcurrencyException.class,
            DataIntegrityViolationException.class);
}
