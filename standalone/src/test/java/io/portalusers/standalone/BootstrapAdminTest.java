package io.portalusers.standalone;

import io.portalusers.api.UserId;
import io.portalusers.command.user.BootstrapAdmin;
import io.portalusers.platform.actor.ActorDirectory;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** R-SET-2: the bootstrap admin's creation, raced by as many nodes as start at once. */
class BootstrapAdminTest extends ApiTest {

    @Autowired
    private CommandGateway commands;
    @Autowired
    private ActorDirectory directory;

    @Test
    void R_SET_2_eight_nodes_bootstrapping_at_once_create_one_admin_and_none_fails() throws Exception {
        UserId id = UserId.random();
        String suffix = id.toString().substring(0, 8);
        int nodes = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            BootstrapAdmin node = new BootstrapAdmin(commands, directory, id.toString(), "root-" + suffix,
                    "root-" + suffix + "@portal.example", "Root", "Admin", "en", true);
            runs.add(pool.submit(() -> {
                start.await();
                node.run(null);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> run : runs) {
            run.get();
        }
        pool.shutdown();

        assertThat(eventCount(id.toString())).as("created and invited, once").isEqualTo(2);
        assertThat(directory.find(id)).hasValueSatisfying(admin -> assertThat(admin.isPortalAdmin()).isTrue());
    }

    @Test
    void R_SET_2_a_configured_admin_whose_username_is_taken_is_not_created_and_start_up_goes_on() {
        UserId id = UserId.random();
        BootstrapAdmin clash = new BootstrapAdmin(commands, directory, id.toString(), "admin",
                "someone-else@portal.example", "Other", "Admin", "en", true);

        clash.run(null);

        assertThat(eventCount(id.toString())).isZero();
    }
}
