package io.portalusers.command;

import io.portalusers.platform.problem.UniqueConstraint;
import io.portalusers.platform.problem.UniqueConstraints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The unique constraints of the command side's lookup tables, and the conflict each one means
 * to a caller. Declared here, where the tables are written, and collected by the platform
 * ({@link UniqueConstraints}) for the HTTP answers and the processes that read refusals.
 */
@Configuration(proxyBeanMethods = false)
public class UniqueLookups {

    public static final UniqueConstraint ORGANIZATION_NAME_TAKEN = new UniqueConstraint("organization_name_taken",
            "R-ORG-1", "name", "an organization with this name exists");
    public static final UniqueConstraint USERNAME_TAKEN = new UniqueConstraint("username_taken",
            "R-ADD-6", "username", "this username is taken");
    public static final UniqueConstraint EMAIL_TAKEN = new UniqueConstraint("email_taken",
            "R-ADD-6", "email", "this email address is in use");
    public static final UniqueConstraint SCHEME_NAME_TAKEN = new UniqueConstraint("scheme_name_taken",
            "R-AUTH-1", "name", "an authentication scheme with this name exists");
    public static final UniqueConstraint REGISTRATION_ORGANIZATION_NAME_TAKEN = new UniqueConstraint(
            "registration_organization_name_taken", "R-REG-1", "organizationName",
            "another registration for an organization with this name was accepted first");

    /** All of them, for a test fixture that runs without Spring. */
    public static UniqueConstraints registry() {
        return UniqueConstraints.of(ORGANIZATION_NAME_TAKEN, USERNAME_TAKEN, EMAIL_TAKEN, SCHEME_NAME_TAKEN,
                REGISTRATION_ORGANIZATION_NAME_TAKEN);
    }

    @Bean
    UniqueConstraint organizationNameTaken() {
        return ORGANIZATION_NAME_TAKEN;
    }

    @Bean
    UniqueConstraint usernameTaken() {
        return USERNAME_TAKEN;
    }

    @Bean
    UniqueConstraint emailTaken() {
        return EMAIL_TAKEN;
    }

    @Bean
    UniqueConstraint schemeNameTaken() {
        return SCHEME_NAME_TAKEN;
    }

    @Bean
    UniqueConstraint registrationOrganizationNameTaken() {
        return REGISTRATION_ORGANIZATION_NAME_TAKEN;
    }
}
