package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What a SCIM client reads to learn the service (RFC 7644, 4): its configuration, its resource
 * types and their schemas, kept as JSON beside this class. Only SCIM clients read them, like
 * everything under /scim/v2.
 */
@RestController
class DiscoveryController {

    private final ObjectMapper json;
    private final ScimClient client;
    private final JsonNode config;
    private final ArrayNode resourceTypes;
    private final ArrayNode schemas;

    DiscoveryController(ObjectMapper json, ScimClient client) {
        this.json = json;
        this.client = client;
        this.config = read("ServiceProviderConfig.json");
        this.resourceTypes = (ArrayNode) read("ResourceTypes.json");
        this.schemas = (ArrayNode) read("Schemas.json");
    }

    @GetMapping(path = Scim.BASE + "/ServiceProviderConfig", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> serviceProviderConfig() {
        client.scheme();
        return answer(located(config, "/ServiceProviderConfig"));
    }

    @GetMapping(path = Scim.BASE + "/ResourceTypes", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> resourceTypes() {
        client.scheme();
        return answer(list(resourceTypes, "/ResourceTypes/", "id"));
    }

    @GetMapping(path = Scim.BASE + "/ResourceTypes/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> resourceType(@PathVariable String id) {
        client.scheme();
        return answer(one(resourceTypes, "/ResourceTypes/", id));
    }

    @GetMapping(path = Scim.BASE + "/Schemas", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> schemas() {
        client.scheme();
        return answer(list(schemas, "/Schemas/", "id"));
    }

    @GetMapping(path = Scim.BASE + "/Schemas/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> schema(@PathVariable String id) {
        client.scheme();
        return answer(one(schemas, "/Schemas/", id));
    }

    private JsonNode list(ArrayNode all, String prefix, String key) {
        ObjectNode list = json.createObjectNode();
        list.putArray("schemas").add(Scim.LIST_RESPONSE);
        list.put("totalResults", all.size());
        list.put("startIndex", 1);
        list.put("itemsPerPage", all.size());
        ArrayNode resources = list.putArray("Resources");
        all.forEach(item -> resources.add(located(item, prefix + item.get(key).asText())));
        return list;
    }

    private JsonNode one(ArrayNode all, String prefix, String id) {
        for (JsonNode item : all) {
            if (item.get("id").asText().equals(id)) {
                return located(item, prefix + id);
            }
        }
        throw ScimException.notFound();
    }

    private static JsonNode located(JsonNode resource, String path) {
        ObjectNode copy = resource.deepCopy();
        ((ObjectNode) copy.get("meta")).put("location",
                ServletUriComponentsBuilder.fromCurrentContextPath().path(Scim.BASE + path).toUriString());
        return copy;
    }

    private static ResponseEntity<JsonNode> answer(JsonNode body) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(Scim.MEDIA_TYPE)).body(body);
    }

    private JsonNode read(String name) {
        try (InputStream in = new ClassPathResource("scim/" + name).getInputStream()) {
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
