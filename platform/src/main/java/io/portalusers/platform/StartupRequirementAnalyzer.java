package io.portalusers.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a missing setting as Spring Boot prints its own start-up failures: what is wrong, and what to do. */
class StartupRequirementAnalyzer extends AbstractFailureAnalyzer<StartupRequirement> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupRequirement cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
