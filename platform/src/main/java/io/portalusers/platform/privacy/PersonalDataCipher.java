package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.UserId;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.Erased;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.platform.axon.RenamedEvents;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts and decrypts the {@code PersonalData} fields of an event's JSON. The fields of an
 * event that have a value are sealed together, with one AES-GCM operation, into one property
 * written last, {@code "$personal": ["<subject>", "<Base64 of nonce, ciphertext and tag>"]},
 * whose plaintext is the JSON object of those fields; the fields themselves are left out of the
 * stored event (a field without a value stays, as null). The associated data is the subject,
 * so a ciphertext opens only for the person it was written for, and it must be the event's own
 * subject. Being last, and holding its subject, the property is found from the end of the
 * stored bytes without parsing them: the plaintext's fields take its place, and Jackson binds
 * the event once, from bytes, as it does an event without personal data ({@link #read}).
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
    /** Beside a sealed reason: whose key it is sealed with. */
    static final String SUBJECT = "subject";
    /** The associated data's field name of a sealed reason. */
    private static final String REASON = "reason";
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
        event.putArray(SEALED).add(subject).add(Base64.getEncoder().encodeToString(sealed));
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
        Unsealed unsealed = unsealed(stored);
        if (unsealed != null) {
            T event = reader.readValue(unsealed.event());
            if (!unsealed.subject().equals(fields.subjectOf(event))) {
                throw new IllegalStateException("personal fields sealed for " + unsealed.subject()
                        + " in an event of " + fields.subjectOf(event));
            }
            return event;
        }
        ObjectNode event = (ObjectNode) json.readTree(stored);
        decrypt(eventClass, event);
        return reader.readValue(event);
    }

    /** As {@link #read(Class, ObjectReader, byte[])}, from a JSON tree (an upcaster's), left as it is. */
    public <T> T read(Class<?> eventClass, ObjectReader reader, JsonNode stored) throws IOException {
        if (!hasPersonalData(eventClass)) {
            return reader.readValue(stored);
        }
        ObjectNode event = ((ObjectNode) stored).deepCopy();
        decrypt(eventClass, event);
        return reader.readValue(event);
    }

    /** The opening of the sealed property's bytes, {@code ,"$personal":["} ({@code {"$personal":["} when alone). */
    private static final byte[] SEALED_OPENING = ("\"" + SEALED + "\":[\"").getBytes(StandardCharsets.UTF_8);

    /**
     * The stored event with its sealed property replaced by the fields it seals, decrypted: the
     * event as bytes Jackson binds once. Null when the event does not end with that property as
     * this class writes it, or when its subject has no key (erased): the tree then reads it.
     */
    private Unsealed unsealed(byte[] stored) {
        int n = stored.length;
        // ...,"$personal":["<subject>","<ciphertext>"]}  (neither a UUID nor Base64 holds a quote or a backslash)
        if (n < SEALED_OPENING.length + 8 || stored[n - 1] != '}' || stored[n - 2] != ']' || stored[n - 3] != '"') {
            return null;
        }
        int cipherEnd = n - 3;
        int cipherStart = lastQuote(stored, cipherEnd - 1) + 1;
        if (cipherStart < 3 || stored[cipherStart - 2] != ',' || stored[cipherStart - 3] != '"') {
            return null;
        }
        int subjectEnd = cipherStart - 3;
        int subjectStart = lastQuote(stored, subjectEnd - 1) + 1;
        int opening = subjectStart - SEALED_OPENING.length;
        if (opening < 1 || !Arrays.equals(stored, opening, subjectStart, SEALED_OPENING, 0, SEALED_OPENING.length)
                || (stored[opening - 1] != ',' && stored[opening - 1] != '{')
                || contains(stored, subjectStart, cipherEnd, (byte) '\\')) {
            return null;
        }
        String subject = new String(stored, subjectStart, subjectEnd - subjectStart, StandardCharsets.ISO_8859_1);
        Optional<SecretKey> key = keys.forReading(subject);
        if (key.isEmpty()) {
            return null;
        }
        ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(stored, cipherStart, cipherEnd - cipherStart));
        byte[] sealed = decoded.remaining() == decoded.array().length ? decoded.array()
                : Arrays.copyOf(decoded.array(), decoded.remaining());
        byte[] plain = Aead.open(key.get(), sealed, bound(subject));
        if (plain.length < 2 || plain[0] != '{') {
            throw new IllegalStateException("sealed personal fields that are not a JSON object");
        }
        // the event up to the sealed property (and its comma, or the event's brace), then the fields without their brace
        byte[] event = Arrays.copyOf(stored, opening + plain.length - 1);
        System.arraycopy(plain, 1, event, opening, plain.length - 1);
        return new Unsealed(event, subject);
    }

    /** A stored event in the sealed form, its personal fields in the sealed property's place, and whose they are. */
    private record Unsealed(byte[] event, String subject) {
    }

    private static int lastQuote(byte[] bytes, int from) {
        int i = from;
        while (i >= 0 && bytes[i] != '"') {
            i--;
        }
        return i;
    }

    private static boolean contains(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return true;
            }
        }
        return false;
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
            if (!subject.equals(sealed.path(0).asText())) {
                throw new IllegalStateException("personal fields sealed for " + sealed.path(0).asText()
                        + " in an event of " + subject);
            }
            key = keys.forReading(subject);
            if (key.isPresent()) {
                ObjectNode plain = (ObjectNode) tree(Aead.open(key.get(),
                        Base64.getDecoder().decode(sealed.path(1).asText()), bound(subject)));
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

    /**
     * The stored form of a free-text reason given with a command ({@code X-Reason}) on an event
     * with {@code payload}: sealed under the key of the person the event is about, as
     * {@code {"subject": "<id>", "$personal": "<Base64>"}}, so that an erasure shreds it with the
     * rest; {@link Erased#TEXT} once that person is erased; the reason as it is for an event
     * about no one (an organization's, the portal's settings).
     */
    public Object sealReason(Object payload, String reason) {
        return sealReasonOf(payload == null ? null : aboutWhom(payload), reason);
    }

    /** {@link #sealReason} for an event about {@code subject} (the reason as it is when null). */
    Object sealReasonOf(String subject, String reason) {
        if (subject == null || reason == null) {
            return reason;
        }
        SecretKey key;
        try {
            key = keys.forWriting(subject, null);
        } catch (PersonalDataKeys.SubjectErased erased) {
            return Erased.TEXT;
        }
        Map<String, String> sealed = new LinkedHashMap<>();
        sealed.put(SUBJECT, subject);
        sealed.put(SEALED, Base64.getEncoder().encodeToString(
                Aead.seal(key, reason.getBytes(StandardCharsets.UTF_8), bound(subject, REASON))));
        return sealed;
    }

    /** A reason as {@link #sealReason} stored it, read: in clear, or {@link Erased#TEXT} once its person is erased. */
    public String openReason(Object stored) {
        if (stored == null || stored instanceof String) {
            return (String) stored;
        }
        if (stored instanceof JsonNode node) {
            if (node.isNull() || node.isMissingNode()) {
                return null;
            }
            return node.isObject() ? open(node.path(SUBJECT).asText(null), node.path(SEALED).asText(null)) : node.asText();
        }
        if (stored instanceof Map<?, ?> map) {
            return open((String) map.get(SUBJECT), (String) map.get(SEALED));
        }
        return stored.toString();
    }

    private String open(String subject, String sealed) {
        if (subject == null || sealed == null) {
            throw new IllegalStateException("a sealed reason without its subject or ciphertext");
        }
        return keys.forReading(subject)
                .map(key -> new String(Aead.open(key, Base64.getDecoder().decode(sealed), bound(subject, REASON)),
                        StandardCharsets.UTF_8))
                .orElse(Erased.TEXT);
    }

    /**
     * The person an event is about: its {@code DataSubject} field, else its first field that is
     * a user's or a registration's id (a registration's key is erased with the user it became).
     */
    static String aboutWhom(Object payload) {
        RecordComponent component = ABOUT.get(payload.getClass()).orElse(null);
        if (component == null) {
            return null;
        }
        try {
            Object value = component.getAccessor().invoke(payload);
            return value == null ? null : value.toString();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    /** {@link #aboutWhom(Object)} of an event of {@code type} read as a JSON tree; null when about no one. */
    static String aboutWhom(Class<?> type, JsonNode event) {
        JsonNode value = ABOUT.get(type).map(component -> event.path(component.getName())).orElse(null);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static final ClassValue<Optional<RecordComponent>> ABOUT = new ClassValue<>() {
        @Override
        protected Optional<RecordComponent> computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return Optional.empty();
            }
            RecordComponent[] components = type.getRecordComponents();
            for (RecordComponent component : components) {
                if (component.isAnnotationPresent(DataSubject.class)) {
                    return Optional.of(component);
                }
            }
            for (RecordComponent component : components) {
                if (component.getType() == UserId.class || component.getType() == RegistrationId.class) {
                    return Optional.of(component);
                }
            }
            return Optional.empty();
        }
    };

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
}
