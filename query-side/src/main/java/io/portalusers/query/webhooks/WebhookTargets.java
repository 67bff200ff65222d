package io.portalusers.query.webhooks;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where a webhook may point. The service calls the URL from inside the network it runs in, so a
 * subscription could otherwise make it reach what only it can reach (a metadata endpoint, an
 * admin port, the database): a server-side request forgery. So, unless configured otherwise,
 * only {@code https} URLs ({@code portal.webhooks.https-only}), and no host that resolves to a
 * loopback, private, link-local, carrier-grade NAT, unique-local, multicast or unspecified
 * address ({@code portal.webhooks.private-addresses=false}). The host is checked when the
 * subscription is registered and again before every delivery (its DNS may change); redirects are
 * never followed. What remains is a host whose DNS answer changes between the check and the
 * connection; an operator who needs more puts an egress proxy in front.
 */
@Component
class WebhookTargets {

    private final boolean httpsOnly;
    private final boolean privateAddresses;

    WebhookTargets(@Value("${portal.webhooks.https-only}") boolean httpsOnly,
                   @Value("${portal.webhooks.private-addresses}") boolean privateAddresses) {
        this.httpsOnly = httpsOnly;
        this.privateAddresses = privateAddresses;
    }

    /**
     * The URL a subscription gives, checked: a 400 on {@code url} when it is no http(s) URL with a
     * host, a 422 {@code R-HOOK-1} when it is one the service may not call.
     */
    URI accept(String text) {
        if (text == null || text.isBlank() || text.length() > 2000) {
            throw new InvalidValueException("url", "is required, at most 2000 characters");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidValueException("url", "is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new InvalidValueException("url", "must be an http or https URL");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new InvalidValueException("url", "must have a host, and no user info or fragment");
        }
        if (httpsOnly && !scheme.equals("https")) {
            throw RuleViolationException.unprocessable(WebhooksController.RULE, "url", "must be an https URL");
        }
        String refused = refusal(url);
        if (refused != null) {
            throw RuleViolationException.unprocessable(WebhooksController.RULE, "url", refused);
        }
        return url;
    }

    /** Why the service may not call {@code url} now, or null when it may. */
    String refusal(URI url) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            return "its host does not resolve";
        }
        if (!privateAddresses) {
            for (InetAddress address : addresses) {
                if (isInternal(address)) {
                    return "its host resolves to an internal address, which webhooks may not call";
                }
            }
        }
        return null;
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second < 128 // carrier-grade NAT
                    || first == 192 && second == 0 && (bytes[2] & 0xff) == 0 // IETF protocol assignments
                    || first >= 240;
        }
        if (address instanceof Inet6Address) {
            // unique-local fc00::/7, and IPv4-mapped addresses judged as their IPv4 one
            if ((bytes[0] & 0xfe) == 0xfc) {
                return true;
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            if (mapped && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[]{bytes[12], bytes[13], bytes[14], bytes[15]}));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
        }
        return false;
    }
}
