package io.portalusers.platform.axon;

import io.portalusers.platform.problem.ConflictException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.postgresql.util.PSQLException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.UUID;

/**
 * Every command leaves one audit record with who, what, on whom, when,
 * which request and how it ended. An accepted command's record is written in its own
 * transaction, with its events; a refused one after the rollback, in a transaction of its
 * own, so that a refusal is recorded exactly when nothing else is.
 */
class CommandAuditInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

    private static final AnnotationCommandTargetResolver TARGETS = AnnotationCommandTargetResolver.builder().build();

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /** The record's insert, with the organizations of its target read in the same statement. */
    private final String insert;

    CommandAuditInterceptor(JdbcClient jdbc, TransactionTemplate transactions, Clock clock,
                            CommandTargetOrganizations organizations) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.insert = """
                insert into command_audit (recorded_at, actor_id, command, target_id, organizations,
                                           correlation_id, reason, outcome, code)
                values (:at, :actor, :command, :targetText, array(%s), :correlation, :reason, :outcome, :code)"""
                .formatted(organizations.query());
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        CommandMessage<?> command = unitOfWork.getMessage();
        unitOfWork.onCleanup(u -> {
            if (u.isRolledBack()) {
                Throwable cause = u.getExecutionResult().isExceptionResult()
                        ? u.getExecutionResult().getExceptionResult() : null;
                transactions.executeWithoutResult(status -> record(command, "REFUSED", code(cause)));
            }
        });
        Object result = chain.proceed();
        // registered after the handler, so that it runs after the events' own lookups are written
        unitOfWork.onPrepareCommit(u -> record(command, "ACCEPTED", null));
        return result;
    }

    private void record(CommandMessage<?> command, String outcome, String code) {
        String target = targetOf(command);
        jdbc.sql(insert)
                .param("at", Timestamp.from(clock.instant()))
                .param("actor", command.getMetaData().get(RequestMetadata.ACTOR_ID), Types.VARCHAR)
                .param("command", command.getPayloadType().getSimpleName())
                .param("targetText", target, Types.VARCHAR)
                .param("target", uuidOf(target), Types.OTHER)
                .param("correlation", command.getMetaData().get(RequestMetadata.CORRELATION_ID), Types.VARCHAR)
                .param("reason", command.getMetaData().get(RequestMetadata.REASON), Types.VARCHAR)
                .param("outcome", outcome)
                .param("code", code, Types.VARCHAR)
                .update();
    }

    /** The target as a uuid, for the organizations' query; null for none or another kind of id. */
    private static UUID uuidOf(String target) {
        if (target == null) {
            return null;
        }
        try {
            return UUID.fromString(target);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String targetOf(CommandMessage<?> command) {
        try {
            return TARGETS.resolveTarget(command).getIdentifier();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The stable code of a refusal, as the API answers it; never a message (it may hold personal data). */
    static String code(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof RuleViolationException rule) {
                return rule.ruleId();
            }
            if (t instanceof ConflictException conflict) {
                return conflict.code();
            }
            if (t instanceof ConflictingAggregateVersionException) {
                return "stale-version";
            }
            if (t instanceof AggregateStreamCreationException) {
                return "already-exists";
            }
            if (t instanceof AggregateNotFoundException) {
                return "not-found";
            }
            if (t instanceof ConcurrencyException) {
                return "concurrent-modification";
            }
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null
                    && psql.getServerErrorMessage().getConstraint() != null) {
                return "constraint:" + psql.getServerErrorMessage().getConstraint();
            }
        }
        return cause == null ? null : cause.getClass().getSimpleName();
    }
}
