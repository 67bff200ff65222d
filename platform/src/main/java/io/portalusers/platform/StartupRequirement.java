package io.portalusers.platform;

/** A setting the service cannot start without, with what to do about it. */
public class StartupRequirement extends IllegalStateException {

    private final String action;

    public StartupRequirement(String problem, String action) {
        super(problem);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
