package io.portalusers.query.projections;

/**
 * A read model rebuilt aside the one readers see, and swapped in once its replay is done: its
 * processor may have caught up with the log while readers still see the old model.
 */
public interface RebuildAside {

    /** The name of the read model's processor. */
    String processor();

    /** Whether a rebuild has started and is not swapped in yet. */
    boolean underWay();
}
