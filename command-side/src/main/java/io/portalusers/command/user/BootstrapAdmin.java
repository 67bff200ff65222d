package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.api.user.BootstrapPortalAdmin;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import io.portalusers.platform.actor.ActorDirectory;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * R-SET-2: a fresh install gets its first Portal Admin from configuration, exactly once. The
 * id is fixed by configuration, so two nodes starting together race on one event stream and
 * the event store lets only one of them create it.
 */
@Component
public class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final CommandGateway commands;
    private final ActorDirectory directory;
    private final BootstrapPortalAdmin command;

    public BootstrapAdmin(CommandGateway commands, ActorDirectory directory,
                   @Value("${portal.bootstrap-admin.id}") String id,
                   @Value("${portal.bootstrap-admin.username}") String username,
                   @Value("${portal.bootstrap-admin.email}") String email,
                   @Value("${portal.bootstrap-admin.first-name}") String firstName,
                   @Value("${portal.bootstrap-admin.last-name}") String lastName,
                   @Value("${portal.bootstrap-admin.language}") String language,
                   @Value("${portal.bootstrap-admin.invite}") boolean invite) {
        this.commands = commands;
        this.directory = directory;
        this.command = new BootstrapPortalAdmin(UserId.of(id), Username.of(username), EmailAddress.of(email),
                new PersonName(firstName, lastName), Language.of(language), invite);
    }

    @Override
    public void run(ApplicationArguments args) {
        if (directory.find(command.userId()).isPresent()) {
            log.info("Bootstrap Portal Admin {} exists", command.userId());
            return;
        }
        try {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(Map.of(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR)));
            log.info("Created the bootstrap Portal Admin {} ({})", command.userId(), command.username());
        } catch (RuntimeException e) {
            if (causedBy(e, AggregateStreamCreationException.class)) {
                log.info("Bootstrap Portal Admin {} was created by another node", command.userId());
            } else if (causedBy(e, DataIntegrityViolationException.class)) {
                log.warn("Bootstrap Portal Admin not created: its username or email belongs to another user");
            } else {
                throw e;
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
