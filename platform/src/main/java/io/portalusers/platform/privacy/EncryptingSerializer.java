package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializationException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

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
    @SuppressWarnings("unchecked")
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
        Class<?> type = classFor(serializedObject.getType());
        if (type == MetaData.class) {
            // a reason given with the command, sealed under the key of the person the event is about
            MetaData metaData = delegate.deserialize(serializedObject);
            Object reason = metaData.get(RequestMetadata.REASON);
            return (T) (reason == null || reason instanceof String ? metaData
                    : metaData.and(RequestMetadata.REASON, cipher.openReason(reason)));
        }
        if (!PersonalDataCipher.hasPersonalData(type)) {
            return delegate.deserialize(serializedObject);
        }
        ObjectReader reader = readers.computeIfAbsent(type, objectMapper()::readerFor);
        try {
            if (serializedObject.getData() instanceof byte[] bytes) {
                return cipher.read(type, reader, bytes);
            }
            // a node handed in as it is (an upcaster's) is read as it is, never decrypted in place
            JsonNode tree = getConverter().convert(serializedObject, JsonNode.class).getData();
            return cipher.read(type, reader, tree);
        } catch (IOException e) {
            throw new SerializationException("cannot read an event of " + type.getName(), e);
        }
    }

    /** The event class of a stored type, or null for none (a type no class has any more). */
    private Class<?> classFor(SerializedType type) {
        return classes.computeIfAbsent(type.getName(), name -> {
            try {
                Class<?> found = delegate.classForType(type);
                return found == UnknownSerializedType.class ? Void.class : found;
            } catch (RuntimeException unknown) {
                return Void.class;
            }
        });
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
