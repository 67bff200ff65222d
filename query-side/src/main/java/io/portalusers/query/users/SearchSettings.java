package io.portalusers.query.users;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * How far the user search reads before it settles for less ({@code portal.search.*}, defaults
 * in {@code query-side-defaults.properties}). Read on every search, so that a change (a test's)
 * applies to the next one.
 */
@Component
@ConfigurationProperties("portal.search")
public class SearchSettings {

    private int countCap;
    private int walk;
    private boolean heads;
    private boolean split;
    private boolean headsBuild;

    /** Exact totals up to this many matches; beyond, the total is this cap and a lower bound. */
    public int getCountCap() {
        return countCap;
    }

    public void setCountCap(int countCap) {
        this.countCap = countCap;
    }

    /**
     * How far a common term's walk of a sort index goes before all its matches are read and
     * sorted instead.
     */
    public int getWalk() {
        return walk;
    }

    public void setWalk(int walk) {
        this.walk = walk;
    }

    /** Whether a common term's first page is read from the search heads when they hold it. */
    public boolean isHeads() {
        return heads;
    }

    public void setHeads(boolean heads) {
        this.heads = heads;
    }

    /**
     * Whether the page of a common term typed into the field the list is sorted by is read split at
     * the term (the matches that start with it, in order, and those that have it later), when the
     * heads do not hold it.
     */
    public boolean isSplit() {
        return split;
    }

    public void setSplit(boolean split) {
        this.split = split;
    }

    /**
     * Whether this node builds the search heads when a rebuild of the users view left them
     * unbuilt, once the replay is done ({@link SearchHeadsBuilder}); off to build them at a
     * chosen time instead ({@code select search_heads_build_if_missing()}), the users
     * processor's writes waiting while they are built.
     */
    public boolean isHeadsBuild() {
        return headsBuild;
    }

    public void setHeadsBuild(boolean headsBuild) {
        this.headsBuild = headsBuild;
    }
}
