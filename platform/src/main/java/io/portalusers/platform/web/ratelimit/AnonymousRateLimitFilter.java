package io.portalusers.platform.web.ratelimit;

import io.portalusers.platform.security.ClientAddresses;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.portalusers.platform.problem.Problems;
import io.portalusers.platform.security.AnonymousEndpoints;
import io.portalusers.platform.security.SecurityRefusals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Abuse limits of the anonymous endpoints: each client address (see
 * {@link ClientAddresses}) may send {@code portal.rate-limit.anonymous.requests-per-minute}
 * requests to them per minute, refilled gradually (a token bucket, Bucket4j); past it the
 * answer is 429 with {@code Retry-After}. One budget per client across all anonymous
 * endpoints. The buckets live in this node's memory: with N nodes behind a balancer a client
 * gets up to N times the budget, and a restart forgets them. Runs before security and
 * before any body is read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AnonymousRateLimitFilter extends OncePerRequestFilter {

    /** Past this many clients, idle (full) buckets are dropped. */
    private static final int PURGE_ABOVE = 10_000;

    private final ObjectProvider<AnonymousEndpoints> endpoints;
    private final ClientAddresses clients;
    private final SecurityRefusals refusals;
    private final ObjectMapper json;
    private final long perMinute;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger created = new AtomicInteger();
    private volatile List<RequestMatcher> limited;

    public AnonymousRateLimitFilter(ObjectProvider<AnonymousEndpoints> endpoints, ObjectMapper json,
                                    ClientAddresses clients, SecurityRefusals refusals,
                                    @Value("${portal.rate-limit.anonymous.requests-per-minute}") long perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("portal.rate-limit.anonymous.requests-per-minute must be at least 1");
        }
        this.endpoints = endpoints;
        this.json = json;
        this.perMinute = perMinute;
        this.clients = clients;
        this.refusals = refusals;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        List<RequestMatcher> all = limited;
        if (all == null) {
            all = endpoints.orderedStream().flatMap(anonymous -> anonymous.matchers().stream()).toList();
            limited = all;
        }
        return all.stream().noneMatch(matcher -> matcher.matches(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = ClientAddresses.budgetKey(clients.of(request));
        ConsumptionProbe probe = bucketOf(client).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds()
                + (probe.getNanosToWaitForRefill() % 1_000_000_000L == 0 ? 0 : 1));
        refusals.record(SecurityRefusals.Reason.RATE_LIMITED, request, "past " + perMinute + " requests a minute");
        ProblemDetail body = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "too many requests from this address; try again after " + retryAfter + " s");
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        Problems.write(response, json, body);
    }

    private Bucket bucketOf(String client) {
        Bucket bucket = buckets.get(client);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() > PURGE_ABOVE && created.incrementAndGet() % 1000 == 0) {
            buckets.values().removeIf(b -> b.getAvailableTokens() >= perMinute);
        }
        return buckets.computeIfAbsent(client, c -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build());
    }
}
