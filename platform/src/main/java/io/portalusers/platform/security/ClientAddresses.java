package io.portalusers.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who a request comes from, for rate limiting. The connection's peer address, unless that
 * peer is one of the configured trusted proxies: then the right-most address of
 * {@code X-Forwarded-For} that is not itself a trusted proxy. A client that is not a trusted
 * proxy cannot change its address by sending the header.
 */
@Component
public final class ClientAddresses {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<IpAddressMatcher> trustedProxies;

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
    }

    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
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
