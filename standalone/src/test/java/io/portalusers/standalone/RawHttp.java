package io.portalusers.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 request written byte for byte over a socket: the path exactly as given
 * (percent-encodings, {@code //}, {@code ;} parameters, control characters), which an HTTP
 * client library would normalize or refuse, and from a local address of the test's choice.
 */
final class RawHttp {

    /** {@code headers}: the last value of each, by lower-case name; {@code cookies}: every Set-Cookie value. */
    record Answer(int status, Map<String, String> headers, String body, List<String> cookies) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    static Answer send(String from, int port, String method, String path, String json, Map<String, String> headers)
            throws IOException {
        return send(from, "127.0.0.1", port, method, path, json, headers);
    }

    /** From local address {@code from} to {@code to}, which must be an address of this machine the server listens on. */
    static Answer send(String from, String to, int port, String method, String path, String json,
                       Map<String, String> headers) throws IOException {
        return send(from, to, port, method, path, json, "application/json", headers);
    }

    /** A body of {@code contentType} (a form, say), when {@code body} is not null. */
    static Answer send(String from, String to, int port, String method, String path, String body, String contentType,
                       Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(to, port), 5000);
            socket.setSoTimeout(10_000);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: localhost:").append(port).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                request.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ")
                        .append(bytes.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> answerHeaders = new TreeMap<>();
            List<String> cookies = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip();
                answerHeaders.put(name, value);
                if (name.equals("set-cookie")) {
                    cookies.add(value);
                }
            }
            String rest = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
                rest = unchunk(rest);
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders, rest, List.copyOf(cookies));
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
