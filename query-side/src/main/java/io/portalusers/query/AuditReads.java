package io.portalusers.query;

import io.portalusers.platform.security.MachineClientAuthentication;
import io.portalusers.platform.security.MachineReads;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.List;

/**
 * What an auditor's or a reporting tool's machine client ({@code audit:read}) may read here: a
 * user's history, a user's account at an instant ({@code ?at=}), the audit record, the events feed
 * and the reports. Every other request of a machine client is refused before any controller runs.
 */
@Configuration(proxyBeanMethods = false)
class AuditReads {

    private static final RequestMatcher USER = MachineReads.get("/api/users/{id}");

    @Bean
    MachineReads auditReadEndpoints() {
        return new MachineReads(MachineClientAuthentication.AUDIT_READ, List.of(
                MachineReads.get("/api/users/{id}/history"),
                request -> request.getParameter("at") != null && USER.matches(request),
                MachineReads.get("/api/audit/**"),
                MachineReads.get("/api/events"),
                MachineReads.get("/api/reports/**")));
    }
}
