package io.portalusers.platform.axon;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.portalusers.api.privacy.Erased;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Username;

import java.io.IOException;
import java.util.function.Function;

/**
 * For the event log's mapper only: reads {@link Erased#TEXT} as the erased username and email
 * (which no one can type: their brackets are refused). The web's mapper does not have it, so
 * that a request cannot name an erased value.
 */
public final class ErasedValues extends SimpleModule {

    public ErasedValues() {
        super("erased-values");
        addDeserializer(Username.class, new Reader<>(Username.class, Username.ERASED, Username::of));
        addDeserializer(EmailAddress.class, new Reader<>(EmailAddress.class, EmailAddress.ERASED, EmailAddress::of));
    }

    private static final class Reader<T> extends StdScalarDeserializer<T> {

        private final T erased;
        private final Function<String, T> parse;

        Reader(Class<T> type, T erased, Function<String, T> parse) {
            super(type);
            this.erased = erased;
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (T) context.handleUnexpectedToken(handledType(), parser);
            }
            return Erased.isErased(text) ? erased : parse.apply(text);
        }
    }
}
