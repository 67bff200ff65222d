package io.portalusers.scim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.security.PathErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;

import java.io.IOException;

/** A 401 or 403 of the security filters under /scim/v2 is a SCIM error too, as a SCIM client expects. */
@Component
class ScimSecurityErrors implements PathErrors {

    private static final RequestMatcher SCIM = PathPatternRequestMatcher.withDefaults().matcher(Scim.BASE + "/**");

    private final ObjectMapper json;

    ScimSecurityErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean covers(HttpServletRequest request) {
        return SCIM.matches(request);
    }

    @Override
    public boolean documents(String path) {
        return path.startsWith(Scim.BASE + "/");
    }

    @Override
    public void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(Scim.MEDIA_TYPE);
        json.writeValue(response.getOutputStream(), ScimErrors.error(status.value(), null, detail).getBody());
    }
}
