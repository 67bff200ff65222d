package io.portalusers.query.history;

/** Who caused an event: the user id (or "system"), and that user's name as it was when it acted. */
record EventActor(String id, String name) {
}
