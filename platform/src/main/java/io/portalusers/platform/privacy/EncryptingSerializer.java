package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * The event serializer: Axon's Jackson serializer, with the personal fields of each event
 * encrypted on the way into the log and decrypted (or read as erased) on the way out, through
 * {@link PersonalDataCipher}. Every reader through Axon (aggregates, projections in a replay,
 * sagas, the dead-letter queue) thus sees an erased person's fields as erased, and the event
 * log only ever holds their ciphertext. Events without personal data pass through untouched.
 */
public final class EncryptingSerializer implements Serializer {

    private final JacksonSerializer delegate;
    private final PersonalDataCipher cipher;

    public EncryptingSerializer(JacksonSerializer delegate, PersonalDataCipher cipher) {
        this.delegate = delegate;
        this.cipher = cipher;
    }

    /** The mapper payloads are written and read with. */
    public ObjectMapper objectMapper() {
        return delegate.getObjectMapper();
    }

    public PersonalDataCipher cipher() {
        return cipher;
    }

    @Override
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
        if (object == null || !PersonalDataCipher.hasPersonalData(object.getClass())) {
            return delegate.serialize(object, expectedRepresentation);
        }
        ObjectNode tree = objectMapper().valueToTree(object);
        cipher.encrypt(object.getClass(), tree);
        SerializedType type = delegate.typeForClass(object.getClass());
        SerializedObject<JsonNode> serialized = new SimpleSerializedObject<>(tree, JsonNode.class, type);
        return getConverter().convert(serialized, expectedRepresentation);
    }

    @Override
    public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
        return delegate.canSerializeTo(expectedRepresentation);
    }

    @Override
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
        Class<?> type = classFor(serializedObject.getType());
        if (!PersonalDataCipher.hasPersonalData(type)) {
            return delegate.deserialize(serializedObject);
        }
        JsonNode tree = getConverter().convert(serializedObject, JsonNode.class).getData();
        // the converter may hand back the node it was given: decrypt a copy, never the stored message
        ObjectNode copy = ((ObjectNode) tree).deepCopy();
        cipher.decrypt(type, copy);
        return delegate.deserialize(new SimpleSerializedObject<>(copy, JsonNode.class, serializedObject.getType()));
    }

    private Class<?> classFor(SerializedType type) {
        try {
            Class<?> found = delegate.classForType(type);
            return found == UnknownSerializedType.class ? null : found;
        } catch (RuntimeException unknown) {
            return null;
        }
    }

    @Override
    public Class classForType(SerializedType type) {
        return delegate.classForType(type);
    }

    @Override
    public SerializedType typeForClass(Class type) {
        return delegate.typeForClass(type);
    }

    @Override
    public Converter getConverter() {
        return delegate.getConverter();
    }
}
