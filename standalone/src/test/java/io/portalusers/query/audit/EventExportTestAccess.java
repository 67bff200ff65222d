package io.portalusers.query.audit;

/** The export's CSV encoding, for the test that checks it field by field. */
public final class EventExportTestAccess {

    private EventExportTestAccess() {
    }

    public static String csvField(String value) {
        return EventExportController.csvField(value);
    }
}
