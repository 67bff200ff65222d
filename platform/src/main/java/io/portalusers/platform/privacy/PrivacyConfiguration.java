package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.StartupRequirement;
import io.portalusers.platform.axon.ReasonSealer;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;

/** Erasure by crypto-shredding: the keys, the cipher, and the event serializer that uses them. */
@Configuration(proxyBeanMethods = false)
public class PrivacyConfiguration {

    @Bean
    MasterKey personalDataMasterKey(Environment environment, @Value("${portal.privacy.master-key:}") String masterKey) {
        if (!masterKey.isBlank()) {
            return MasterKey.configured(masterKey);
        }
        if (environment.getProperty(PlatformEnvironment.EMBEDDED, Boolean.class, false)) {
            return MasterKey.inFile(Path.of(environment.getRequiredProperty("portal.embedded.data-dir"))
                    .resolve("personal-data-master.key"));
        }
        // PlatformEnvironment refuses to start without one before this
        throw new StartupRequirement("portal.privacy.master-key is not set.",
                "Set PORTAL_PRIVACY_MASTER_KEY to 32 random bytes in Base64 (openssl rand -base64 32).");
    }

    @Bean
    PersonalDataKeys personalDataKeys(DataSource dataSource, MasterKey master,
                                      @Value("${portal.privacy.key-cache-ttl}") Duration ttl,
                                      @Value("${portal.privacy.key-cache-size}") int size) {
        return new PersonalDataKeys(dataSource, master, ttl, size);
    }

    /** Keys for other secrets at rest (webhook signing secrets, ...), derived from the master key. */
    @Bean
    DerivedKeys derivedKeys(MasterKey master) {
        return new DerivedKeys(master);
    }

    /**
     * The master key is read (or made) once the schema is there and before the first request.
     * Read at first use, it was read inside a request's transaction with a second connection from
     * the pool, while every other first request held a connection and waited for that one: fifty
     * concurrent first creates on a side jar answered 503 database-unavailable.
     */
    @Bean
    SmartInitializingSingleton masterKeyBeforeRequests(PersonalDataKeys keys) {
        return keys::loadMasterKey;
    }

    @Bean
    PersonalDataCipher personalDataCipher(@Qualifier("defaultAxonObjectMapper") ObjectMapper json, PersonalDataKeys keys) {
        return new PersonalDataCipher(json, keys);
    }

    /** How the event store seals the reasons given with commands: under the key of the event's person. */
    @Bean
    ReasonSealer reasonSealer(PersonalDataCipher cipher) {
        return cipher::sealReason;
    }

    /** Replaces the one Axon would build from {@code axon.serializer.events=jackson}: the same, encrypting. */
    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer(@Qualifier("defaultAxonObjectMapper") ObjectMapper json, RevisionResolver revisionResolver,
                               PersonalDataCipher cipher) {
        return new EncryptingSerializer(JacksonSerializer.builder()
                .objectMapper(json)
                .revisionResolver(revisionResolver)
                .build(), cipher);
    }
}
