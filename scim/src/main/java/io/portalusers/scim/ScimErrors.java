package io.portalusers.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.problem.ConflictException;
import io.portalusers.platform.problem.DatabaseUnavailable;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.Problems;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.problem.TransactionTooLong;
import io.portalusers.platform.problem.UniqueConstraints;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SCIM endpoints answer errors as SCIM errors (RFC 7644, 3.12): the error schema, the status
 * as a string, a {@code scimType} where SCIM has one, and a detail that starts with the rule id
 * when a rule of docs/RULES.md refused (as the problem code does on the rest of the API). A
 * refusal the API answers 422 is a 400 {@code invalidValue} here, SCIM having no 422; a taken
 * username or email (R-ADD-6) is a 409 {@code uniqueness}; a stale {@code If-Match} a 412.
 */
@RestControllerAdvice(basePackageClasses = ScimErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ScimErrors {

    private static final Logger log = LoggerFactory.getLogger(ScimErrors.class);
    private static final MediaType SCIM = MediaType.parseMediaType(Scim.MEDIA_TYPE);

    private final UniqueConstraints constraints;

    ScimErrors(UniqueConstraints constraints) {
        this.constraints = constraints;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> handle(Exception e) {
        if (DatabaseUnavailable.causes(e)) {
            return error(503, null, "the database is unavailable; try again");
        }
        if (TransactionTooLong.causes(e)) {
            return error(503, null, TransactionTooLong.DETAIL);
        }
        Throwable cause = unwrap(e);
        if (cause instanceof ScimException scim) {
            return error(scim.status(), scim.scimType(), scim.getMessage());
        }
        if (cause instanceof RuleViolationException rule) {
            log.info("Refused by {}: {}", rule.ruleId(), rule.getMessage());
            String detail = rule.ruleId() + ": " + rule.getMessage();
            return rule.isForbidden() ? error(403, null, detail) : error(400, "invalidValue", detail);
        }
        if (cause instanceof ConflictException conflict) {
            return conflict(conflict);
        }
        if (cause instanceof DataIntegrityViolationException integrity) {
            Optional<ConflictException> known = constraints.violated(integrity);
            if (known.isPresent()) {
                return conflict(known.get());
            }
            log.warn("Unmapped integrity violation", integrity);
            return error(409, null, "the request conflicts with existing data");
        }
        if (cause instanceof NotFoundException || cause instanceof AggregateNotFoundException) {
            return error(404, null, "no such resource");
        }
        if (cause instanceof FieldErrors.InvalidRequestException invalid) {
            return error(400, "invalidValue", "invalid fields: " + invalid.errors());
        }
        if (cause instanceof InvalidValueException invalid) {
            return error(400, "invalidValue", (invalid.field() == null ? "" : invalid.field() + " ") + invalid.getMessage());
        }
        if (cause instanceof ConflictingAggregateVersionException || cause instanceof ConcurrencyException) {
            return error(412, null, "the resource changed since the version given in If-Match; read it again");
        }
        if (cause instanceof HttpMessageNotReadableException unreadable) {
            return error(400, "invalidSyntax", unreadable.getCause() instanceof JsonProcessingException
                    ? "the body is not well-formed JSON" : "the body is missing or cannot be read");
        }
        if (cause instanceof MethodArgumentTypeMismatchException mismatch) {
            return error(400, "invalidValue", mismatch.getName() + " is not valid");
        }
        if (cause instanceof MissingRequestHeaderException missing) {
            return error(400, "invalidValue", missing.getHeaderName() + " is missing");
        }
        if (cause instanceof HttpMediaTypeNotSupportedException) {
            return error(415, null, "send " + Scim.MEDIA_TYPE);
        }
        if (cause instanceof HttpMediaTypeNotAcceptableException) {
            return error(406, null, "SCIM answers " + Scim.MEDIA_TYPE);
        }
        if (cause instanceof HttpRequestMethodNotSupportedException) {
            return error(405, null, "this resource does not take that method");
        }
        log.error("Unexpected failure", e);
        return error(500, null, "the request could not be completed; quote the correlation id when reporting it");
    }

    private static ResponseEntity<Map<String, Object>> conflict(ConflictException conflict) {
        return error(409, "uniqueness", conflict.code() + ": " + conflict.getMessage());
    }

    static ResponseEntity<Map<String, Object>> error(int status, String scimType, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemas", List.of(Scim.ERROR));
        body.put("status", Integer.toString(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", detail);
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(SCIM);
        if (status == 503) {
            answer.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return answer.body(body);
    }

    private static Throwable unwrap(Throwable e) {
        return Problems.cause(e, KNOWN);
    }

    private static final List<Class<? extends Throwable>> KNOWN = List.of(
            ScimException.class, RuleViolationException.class, ConflictException.class, NotFoundException.class,
            FieldErrors.InvalidRequestException.class, InvalidValueException.class, AggregateNotFoundException.class,
            ConflictingAggregateVersionException.class, ConcurrencyException.class, DataIntegrityViolationException.class);
}
