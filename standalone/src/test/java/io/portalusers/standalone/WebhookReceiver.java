package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver in the test JVM: a real HTTP server on loopback that records every
 * delivery it is sent (whatever it answers) and answers as the test says: a status per
 * request (counted from 1), after an optional delay. It can be taken down and brought back up
 * on the same port.
 */
final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    record Delivery(String id, String timestamp, String signature, String contentType, byte[] body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Whether the Standard Webhooks signature checks out with {@code secret} ({@code whsec_...}). */
        boolean signedWith(String secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
                mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
                String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
                return List.of(signature.split(" ")).contains(expected);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator status = n -> 204;
    private volatile long delayMillis;
    private int port;
    private HttpServer server;

    static WebhookReceiver start() {
        WebhookReceiver receiver = new WebhookReceiver();
        receiver.up();
        return receiver;
    }

    synchronized void up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = server.getAddress().getPort();
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            int answer = status.applyAsInt(deliveries.size());
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    synchronized void down() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** The status of the n-th request (from 1), from now on. */
    void answer(IntUnaryOperator status) {
        this.status = status;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    /** The ids delivered, each once, in the order they first came. */
    List<String> distinctIds() {
        return new ArrayList<>(new LinkedHashSet<>(deliveries.stream().map(Delivery::id).toList()));
    }

    int count() {
        return deliveries.size();
    }

    @Override
    public void close() {
        down();
    }
}
