package io.portalusers.scim;

/** The names SCIM gives its media type, schemas and messages (RFC 7643, RFC 7644). */
final class Scim {

    static final String MEDIA_TYPE = "application/scim+json";
    static final String BASE = "/scim/v2";

    static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    /** This service's extension of the User: the portal role and the organizations it holds it in. */
    static final String PORTAL_USER = "urn:portal-users:scim:schemas:extension:portal:2.0:User";

    /** This service's extension of the Group: the org role each member holds in the organization. */
    static final String PORTAL_GROUP = "urn:portal-users:scim:schemas:extension:portal:2.0:Group";

    static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
    static final String SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    static final String RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    static final String SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /** Most resources one page of a list holds, whatever {@code count} asks for. */
    static final int MAX_RESULTS = 200;

    private Scim() {
    }
}
