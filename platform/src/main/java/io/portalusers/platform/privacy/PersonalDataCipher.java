package io.portalusers.platform.privacy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.privacy.Erased;
import io.portalusers.platform.axon.RenamedEvents;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts and decrypts the {@code PersonalData} fields of an event's JSON. The fields of an
 * event that have a value are sealed together, with one AES-GCM operation, into one property
 * written last, {@code "$personal": "<Base64 of nonce, ciphertext and tag>"}, whose plaintext is
 * the JSON object of those fields; the fields themselves are left out of the stored event (a
 * field without a value stays, as null). The associated data is the subject, so a ciphertext
 * opens only in an event of the person it was written for. Reading an event decrypts its
 * fields straight into the stream of tokens Jackson binds the event from (see {@link #read}):
 * no JSON tree, one decryption per event.
 *
 * <p>Events written before kept one ciphertext per field, {@code {"$encrypted": "<Base64>"}}
 * in place of its value, bound to the subject and the field's name; they are still read (as
 * any event that is not in the form above, through a JSON tree: {@link #decrypt}).
 *
 * <p>Read back without its key (the subject erased), a field becomes {@link Erased#TEXT}, or
 * for a name of several parts, each part. A field still in plaintext (an event written before
 * encryption and not migrated) reads as erased too once its subject is.
 */
public final class PersonalDataCipher {

    /** The property holding an event's personal fields, sealed together. */
    static final String SEALED = "$personal";
    /** The former form: one such object per personal field. */
    static final String ENCRYPTED = "$encrypted";

    private final ObjectMapper json;
    private final PersonalDataKeys keys;
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

    public PersonalDataCipher(ObjectMapper json, PersonalDataKeys keys) {
        this.json = json;
        this.keys = keys;
    }

    /** Whether events of this class have personal fields. */
    public static boolean hasPersonalData(Class<?> eventClass) {
        return PersonalFields.of(eventClass).any();
    }

    /** Encrypts the personal fields of an event of {@code eventClass} not encrypted yet; whether any was. */
    public boolean encrypt(Class<?> eventClass, ObjectNode event) {
        PersonalFields fields = PersonalFields.of(eventClass);
        if (!fields.any() || event.has(SEALED)) {
            return false;
        }
        ObjectNode plain = null;
        for (PersonalFields.Field field : fields.personal()) {
            JsonNode value = event.get(field.name());
            if (value == null || value.isNull() || isEncrypted(value)) {
                continue;
            }
            if (plain == null) {
                plain = JsonNodeFactory.instance.objectNode();
            }
            plain.set(field.name(), value);
        }
        if (plain == null) {
            return false;
        }
        String subject = event.path(fields.subject()).asText();
        String erasedWith = fields.erasedWith() == null ? null : event.path(fields.erasedWith()).asText(null);
        SecretKey key = keys.forWriting(subject, erasedWith);
        plain.fieldNames().forEachRemaining(event::remove);
        byte[] sealed = Aead.seal(key, bytes(plain), bound(subject));
        event.put(SEALED, Base64.getEncoder().encodeToString(sealed));
        return true;
    }

    /**
     * The event of {@code eventClass} stored as {@code stored}, bound by {@code reader}, its
     * personal fields decrypted, or erased once its subject is.
     */
    public <T> T read(Class<?> eventClass, ObjectReader reader, byte[] stored) throws IOException {
        PersonalFields fields = PersonalFields.of(eventClass);
        if (!fields.any()) {
            return reader.readValue(stored);
        }
        try (JsonParser parser = new Decrypting(json.createParser(stored), fields)) {
            return reader.readValue(parser);
        } catch (IOException e) {
            if (!notOnFastPath(e)) {
                throw e;
            }
        }
        ObjectNode event = (ObjectNode) json.readTree(stored);
        decrypt(eventClass, event);
        return reader.readValue(event);
    }

    /** As {@link #read(Class, ObjectReader, byte[])}, from a JSON tree (an upcaster's), left as it is. */
    public <T> T read(Class<?> eventClass, ObjectReader reader, JsonNode stored) throws IOException {
        PersonalFields fields = PersonalFields.of(eventClass);
        if (!fields.any()) {
            return reader.readValue(stored);
        }
        try (JsonParser parser = new Decrypting(json.treeAsTokens(stored), fields)) {
            return reader.readValue(parser);
        } catch (IOException e) {
            if (!notOnFastPath(e)) {
                throw e;
            }
        }
        ObjectNode event = ((ObjectNode) stored).deepCopy();
        decrypt(eventClass, event);
        return reader.readValue(event);
    }

    /**
     * Decrypts the personal fields of an event of {@code eventClass}, in place, in either form;
     * those of an erased subject read as erased.
     */
    public void decrypt(Class<?> eventClass, ObjectNode event) {
        PersonalFields fields = PersonalFields.of(eventClass);
        if (!fields.any()) {
            return;
        }
        String subject = event.path(fields.subject()).asText();
        Optional<SecretKey> key = null;
        Set<String> unsealed = Set.of();
        JsonNode sealed = event.remove(SEALED);
        if (sealed != null) {
            key = keys.forReading(subject);
            if (key.isPresent()) {
                ObjectNode plain = (ObjectNode) tree(Aead.open(key.get(), Base64.getDecoder().decode(sealed.asText()),
                        bound(subject)));
                unsealed = new HashSet<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = plain.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> one = it.next();
                    event.set(one.getKey(), one.getValue());
                    unsealed.add(one.getKey());
                }
            } else {
                // the sealed fields are those the event does not hold itself
                for (PersonalFields.Field field : fields.personal()) {
                    if (!event.has(field.name())) {
                        event.set(field.name(), erased(field));
                    }
                }
            }
        }
        for (PersonalFields.Field field : fields.personal()) {
            JsonNode value = event.get(field.name());
            if (value == null || value.isNull() || unsealed.contains(field.name())) {
                continue;
            }
            if (isEncrypted(value)) {
                if (key == null) {
                    key = keys.forReading(subject);
                }
                if (key.isPresent()) {
                    byte[] one = Base64.getDecoder().decode(value.get(ENCRYPTED).asText());
                    event.set(field.name(), tree(Aead.open(key.get(), one, bound(subject, field.name()))));
                } else {
                    event.set(field.name(), erased(field));
                }
            } else if (sealed == null && keys.isErased(subject)) {
                event.set(field.name(), erased(field));
            }
        }
    }

    /**
     * As {@link #decrypt}, for a payload read from the log by SQL of one's own: by its stored
     * type name (a former name too, see {@link RenamedEvents}). Anything else passes as it is.
     */
    public JsonNode decryptStored(String payloadType, JsonNode payload) {
        Class<?> type = classes.computeIfAbsent(payloadType, stored -> {
            try {
                return Class.forName(RenamedEvents.currentName(stored), false, PersonalDataCipher.class.getClassLoader());
            } catch (ClassNotFoundException unknown) {
                return Void.class;
            }
        });
        if (payload instanceof ObjectNode event && hasPersonalData(type)) {
            decrypt(type, event);
        }
        return payload;
    }

    static boolean isEncrypted(JsonNode value) {
        return value.isObject() && value.size() == 1 && value.has(ENCRYPTED);
    }

    static JsonNode erased(PersonalFields.Field field) {
        if (field.parts().isEmpty()) {
            return JsonNodeFactory.instance.textNode(Erased.TEXT);
        }
        ObjectNode parts = JsonNodeFactory.instance.objectNode();
        field.parts().forEach(part -> parts.put(part, Erased.TEXT));
        return parts;
    }

    private byte[] bytes(JsonNode value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode tree(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The associated data of an event's sealed fields. */
    private static byte[] bound(String subject) {
        return bound(subject, SEALED);
    }

    /** The associated data of one field's ciphertext, in the former form. */
    private static byte[] bound(String subject, String field) {
        return (subject + "/" + field).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean notOnFastPath(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t == NotOnFastPath.INSTANCE) {
                return true;
            }
        }
        return false;
    }

    /**
     * An event is not in the sealed form with its key at hand (a field in the former form or in
     * plaintext, the subject erased, the subject after the sealed fields): read it as a tree.
     * An IOException that is no JacksonException: Jackson passes it through as it is.
     */
    private static final class NotOnFastPath extends IOException {
        static final NotOnFastPath INSTANCE = new NotOnFastPath();

        private NotOnFastPath() {
            super("not in the sealed form, or erased", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The stored event's tokens with its sealed fields decrypted in their place: at the sealed
     * property, the tokens of its plaintext's fields, then the rest of the event. The subject
     * is read on the way, before the sealed property (written last).
     */
    private final class Decrypting extends JsonParserDelegate {

        private final JsonParser outer;
        private final PersonalFields fields;
        private JsonParser inner;
        private String subject;
        private boolean subjectNext;
        private boolean personalNext;

        Decrypting(JsonParser outer, PersonalFields fields) {
            super(outer);
            this.outer = outer;
            this.fields = fields;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            if (inner != null) {
                JsonToken token = inner.nextToken();
                if (token == JsonToken.END_OBJECT && inner.getParsingContext().inRoot()) {
                    inner.close();
                    inner = null;
                    delegate = outer;
                    return nextToken();
                }
                return token;
            }
            JsonToken token = outer.nextToken();
            if (subjectNext) {
                subjectNext = false;
                if (token != JsonToken.VALUE_STRING) {
                    throw NotOnFastPath.INSTANCE;
                }
                subject = outer.getText();
            } else if (personalNext) {
                personalNext = false;
                if (token != JsonToken.VALUE_NULL) {
                    throw NotOnFastPath.INSTANCE; // a field of its own: the former form, or plaintext
                }
            } else if (token == JsonToken.FIELD_NAME && topLevel()) {
                String name = outer.currentName();
                if (name.equals(fields.subject())) {
                    subjectNext = true;
                } else if (name.equals(SEALED)) {
                    return unseal();
                } else if (fields.personal(name) != null) {
                    personalNext = true;
                }
            }
            return token;
        }

        private boolean topLevel() {
            JsonStreamContext context = outer.getParsingContext();
            return context.getParent() != null && context.getParent().inRoot();
        }

        private JsonToken unseal() throws IOException {
            if (subject == null || outer.nextToken() != JsonToken.VALUE_STRING) {
                throw NotOnFastPath.INSTANCE;
            }
            Optional<SecretKey> key = keys.forReading(subject);
            if (key.isEmpty()) {
                throw NotOnFastPath.INSTANCE;
            }
            byte[] plain = Aead.open(key.get(), outer.getBinaryValue(), bound(subject));
            JsonParser opened = json.getFactory().createParser(plain);
            if (opened.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("sealed personal fields that are not a JSON object");
            }
            inner = opened;
            delegate = opened;
            return nextToken();
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken token = currentToken();
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                int open = 1;
                while (open > 0) {
                    JsonToken next = nextToken();
                    if (next == null) {
                        break;
                    }
                    if (next.isStructStart()) {
                        open++;
                    } else if (next.isStructEnd()) {
                        open--;
                    }
                }
            }
            return this;
        }

        @Override
        public void close() throws IOException {
            if (inner != null) {
                inner.close();
            }
            outer.close();
        }
    }
}
