package io.portalusers.platform.axon;

import org.axonframework.commandhandling.CommandBus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

/** Apart from {@link AxonConfiguration}: asking for the command bus there would build Axon before its mappers. */
@Configuration(proxyBeanMethods = false)
class CommandAuditConfiguration {

    @Autowired
    void auditCommands(CommandBus commandBus, JdbcClient jdbc, PlatformTransactionManager transactionManager,
                       ObjectProvider<CommandTargetOrganizations> organizations) {
        // a refusal is recorded in a transaction of its own, also when the request runs in one
        // (an Idempotency-Key request) that the refusal has doomed
        TransactionTemplate ownTransaction = new TransactionTemplate(transactionManager);
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        commandBus.registerHandlerInterceptor(new CommandAuditInterceptor(jdbc, ownTransaction, Clock.systemUTC(),
                organizations.getIfAvailable(() -> () -> "select null::uuid where false")));
    }
}
