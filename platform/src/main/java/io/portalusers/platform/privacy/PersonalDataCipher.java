package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.privacy.Erased;
import io.portalusers.platform.axon.RenamedEvents;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts and decrypts the {@code PersonalData} fields of an event's JSON, in place. An
 * encrypted field is stored as {@code {"$encrypted": "<Base64 of nonce, ciphertext and tag>"}},
 * the ciphertext being the field's own JSON; no plaintext value has that shape (a name is an
 * object of other fields, every other personal value a string). The associated data is the
 * subject and the field's name, so a ciphertext opens only where it was written.
 *
 * <p>Read back without its key (the subject erased), a field becomes {@link Erased#TEXT}, or
 * for a name of several parts, each part. A field still in plaintext (an event written before
 * encryption and not migrated) reads as erased too once its subject is.
 */
public final class PersonalDataCipher {

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
        if (!fields.any()) {
            return false;
        }
        String subject = event.path(fields.subject()).asText();
        String erasedWith = fields.erasedWith() == null ? null : event.path(fields.erasedWith()).asText(null);
        SecretKey key = null;
        boolean changed = false;
        for (PersonalFields.Field field : fields.personal()) {
            JsonNode value = event.get(field.name());
            if (value == null || value.isNull() || isEncrypted(value)) {
                continue;
            }
            if (key == null) {
                key = keys.forWriting(subject, erasedWith);
            }
            byte[] sealed = Aead.seal(key, bytes(value), bound(subject, field.name()));
            event.putObject(field.name()).put(ENCRYPTED, Base64.getEncoder().encodeToString(sealed));
            changed = true;
        }
        return changed;
    }

    /** Decrypts the personal fields of an event of {@code eventClass}; those of an erased subject read as erased. */
    public void decrypt(Class<?> eventClass, ObjectNode event) {
        PersonalFields fields = PersonalFields.of(eventClass);
        if (!fields.any()) {
            return;
        }
        String subject = event.path(fields.subject()).asText();
        Optional<SecretKey> key = null;
        for (PersonalFields.Field field : fields.personal()) {
            JsonNode value = event.get(field.name());
            if (value == null || value.isNull()) {
                continue;
            }
            if (isEncrypted(value)) {
                if (key == null) {
                    key = keys.forReading(subject);
                }
                if (key.isPresent()) {
                    byte[] sealed = Base64.getDecoder().decode(value.get(ENCRYPTED).asText());
                    event.set(field.name(), tree(Aead.open(key.get(), sealed, bound(subject, field.name()))));
                } else {
                    event.set(field.name(), erased(field));
                }
            } else if (keys.isErased(subject)) {
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

    private static byte[] bound(String subject, String field) {
        return (subject + "/" + field).getBytes(StandardCharsets.UTF_8);
    }
}
