package io.portalusers.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Who a request comes from, for rate limiting. The connection's peer address, unless that
 * peer is one of the configured trusted proxies: then the right-most address of
 * {@code X-Forwarded-For} that is not itself a trusted proxy. A client that is not a trusted
 * proxy cannot change its address by sending the header.
 *
 * <p>Pages served by this same process that call the API over loopback on a visitor's behalf
 * (the console's sign-up, forgot password, account setup) forward the visitor's address with
 * {@link #forwardingHeaders}: {@code X-Forwarded-For} and {@value #FORWARDED_BY}, a secret
 * made afresh at every start that never leaves the process but over loopback. The forwarded
 * address is believed only from a loopback peer that shows this process's secret; anybody
 * else, loopback included, is counted by its own address as before. A secret rather than
 * trusting loopback as such: a reverse proxy or any other program on the same host connects
 * over loopback too, and what it passes on of a client's header must not count.
 */
@Component
public final class ClientAddresses {

    static final String FORWARDED_FOR = "X-Forwarded-For";
    /** The header by which a call from this process itself proves it: its value is {@link #secret}. */
    public static final String FORWARDED_BY = "X-Portal-Forwarded-By";
    /**
     * The request attribute under which {@link ForwardingHeadersFilter} leaves, for a page of this
     * process, the headers that forward its visitor's address (a {@code Map<String, String>}):
     * by this name, so that a module may copy them without depending on this one.
     */
    public static final String FORWARDING_ATTRIBUTE = "io.portalusers.forwarding-headers";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<IpAddressMatcher> trustedProxies;
    /** 256 random bits of this process, never logged nor stored. */
    private final byte[] secret;
    private final String secretText;

    /** {@code trusted}: comma-separated addresses and CIDR ranges (10.0.0.0/8, ::1); blank for none. */
    public ClientAddresses(@Value("${portal.rate-limit.trusted-proxies:}") String trusted) {
        List<IpAddressMatcher> matchers = new ArrayList<>();
        if (trusted != null) {
            for (String entry : trusted.split(",")) {
                if (!entry.isBlank()) {
                    matchers.add(new IpAddressMatcher(entry.strip()));
                }
            }
        }
        this.trustedProxies = List.copyOf(matchers);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        this.secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.secret = secretText.getBytes(StandardCharsets.US_ASCII);
    }

    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (fromThisProcess(request, peer)) {
            // the page put exactly one address, the one it resolved for its own request
            String forwarded = request.getHeader(FORWARDED_FOR);
            String visitor = forwarded == null ? "" : forwarded.strip();
            return isAddress(visitor) ? visitor : peer;
        }
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> forwarded = new ArrayList<>();
        var headers = request.getHeaders(FORWARDED_FOR);
        while (headers != null && headers.hasMoreElements()) {
            Arrays.stream(headers.nextElement().split(","))
                    .map(String::strip)
                    .filter(a -> !a.isEmpty())
                    .forEach(forwarded::add);
        }
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String candidate = forwarded.get(i);
            if (!isAddress(candidate)) {
                // a garbled hop: what lies left of it is the client's word, not the proxies'
                return i == forwarded.size() - 1 ? peer : forwarded.get(i + 1);
            }
            if (!isTrusted(candidate)) {
                return candidate;
            }
        }
        return forwarded.isEmpty() ? peer : forwarded.get(0);
    }

    /**
     * The headers a call of this process to its own API carries on behalf of {@code request}, so
     * that the API counts the request's client (as {@link #of} resolves it) rather than loopback.
     * Only for calls to this process over loopback: the secret travels with them.
     */
    public Map<String, String> forwardingHeaders(HttpServletRequest request) {
        return Map.of(FORWARDED_FOR, of(request), FORWARDED_BY, secretText);
    }

    private boolean fromThisProcess(HttpServletRequest request, String peer) {
        String shown = request.getHeader(FORWARDED_BY);
        return shown != null && isLoopback(peer)
                && MessageDigest.isEqual(secret, shown.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isLoopback(String address) {
        if (address == null || !isAddress(address)) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The key a client's budget is kept under: an IPv4 address as it is; an IPv6 address by
     * its /64 prefix, as one subscriber commonly holds a whole /64 and could otherwise rotate
     * through fresh addresses.
     */
    public static String budgetKey(String address) {
        if (address == null || !address.contains(":") || !isAddress(address)) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress(); // a literal: no name lookup
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private boolean isTrusted(String address) {
        if (address == null || trustedProxies.isEmpty() || !isAddress(address)) {
            return false;
        }
        for (IpAddressMatcher proxy : trustedProxies) {
            if (proxy.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** Only literal IPv4 or IPv6 addresses: IpAddressMatcher would resolve a host name. */
    private static boolean isAddress(String text) {
        return text.matches("[0-9.]{7,15}") || (text.contains(":") && text.matches("[0-9A-Fa-f:.]{2,45}"));
    }
}
