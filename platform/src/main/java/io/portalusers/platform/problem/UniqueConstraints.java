package io.portalusers.platform.problem;

import org.postgresql.util.PSQLException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unique constraints the modules declared ({@link UniqueConstraint} beans), as the conflict
 * each one means: the one table both the HTTP answers ({@link ProblemAdvice}) and the processes
 * that read refusals use. The platform knows none of them itself. Built by Spring from the
 * contributions, or directly with {@link #of} where there is no Spring (test fixtures).
 */
public final class UniqueConstraints {

    private final Map<String, UniqueConstraint> byName;

    public UniqueConstraints(Collection<UniqueConstraint> constraints) {
        Map<String, UniqueConstraint> all = new HashMap<>();
        for (UniqueConstraint constraint : constraints) {
            UniqueConstraint earlier = all.put(constraint.name(), constraint);
            if (earlier != null && !earlier.equals(constraint)) {
                throw new IllegalStateException("two meanings declared for the constraint " + constraint.name());
            }
        }
        this.byName = Map.copyOf(all);
    }

    public static UniqueConstraints of(UniqueConstraint... constraints) {
        return new UniqueConstraints(List.of(constraints));
    }

    /** The constraint a failure violated, where one of its causes is a declared constraint's violation. */
    public Optional<UniqueConstraint> constraintViolatedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return Optional.ofNullable(byName.get(psql.getServerErrorMessage().getConstraint()));
            }
        }
        return Optional.empty();
    }

    /** The conflict a failure is, where one of its causes is a declared constraint's violation. */
    public Optional<ConflictException> violated(Throwable failure) {
        return constraintViolatedBy(failure).map(UniqueConstraint::conflict);
    }
}
