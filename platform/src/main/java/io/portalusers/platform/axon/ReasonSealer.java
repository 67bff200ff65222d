package io.portalusers.platform.axon;

/**
 * Seals the reason given with a command as the event store writes it ({@code X-Reason}, a free
 * text that may name people): the stored form of {@code reason} for an event with
 * {@code payload}, or {@code reason} itself where there is nothing to seal it under. The privacy
 * configuration provides it; this package only calls it.
 */
@FunctionalInterface
public interface ReasonSealer {

    Object seal(Object payload, String reason);
}
