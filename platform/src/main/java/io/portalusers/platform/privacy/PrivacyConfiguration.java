package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.StartupRequirement;
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
    PersonalDataKeys personalDataKeys(DataSource dataSource, Environment environment,
                                      @Value("${portal.privacy.master-key:}") String masterKey,
                                      @Value("${portal.privacy.key-cache-ttl}") Duration ttl,
                                      @Value("${portal.privacy.key-cache-size}") int size) {
        MasterKey master;
        if (!masterKey.isBlank()) {
            master = MasterKey.configured(masterKey);
        } else if (environment.getProperty(PlatformEnvironment.EMBEDDED, Boolean.class, false)) {
            master = MasterKey.inFile(Path.of(environment.getRequiredProperty("portal.embedded.data-dir"))
                    .resolve("personal-data-master.key"));
        } else {
            // PlatformEnvironment refuses to start without one before this
            throw new StartupRequirement("portal.privacy.master-key is not set.",
                    "Set PORTAL_PRIVACY_MASTER_KEY to 32 random bytes in Base64 (openssl rand -base64 32).");
        }
        return new PersonalDataKeys(dataSource, master, ttl, size);
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
