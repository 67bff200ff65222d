package io.portalusers.query.notifier;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The embedded default's mail: each email as an .eml file in a folder (any mail client opens
 * one). The file is named after the Message-ID, so an email written twice is one file.
 */
class DirectoryTransport implements MailTransport {

    private final Path folder;

    DirectoryTransport(Path folder) {
        this.folder = folder;
    }

    @Override
    public Connection open() {
        return new Connection() {
            @Override
            public void send(MimeMessage message) throws MessagingException {
                write(message);
            }

            @Override
            public void close() {
                // nothing held open
            }
        };
    }

    private void write(MimeMessage message) throws MessagingException {
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve(name(message.getMessageID()));
            // not .eml until it is whole: a reader listing the folder never sees half an email
            Path partial = Files.createTempFile(folder, ".writing-", ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                message.writeTo(out);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MessagingException("cannot write to the mail folder", e);
        }
    }

    @Override
    public String describe() {
        return "folder " + folder.toAbsolutePath().normalize();
    }

    private static String name(String messageId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
            String local = messageId.replaceAll("^<|@.*$", "").replaceAll("[^A-Za-z0-9.-]", "_");
            return local + "-" + HexFormat.of().formatHex(digest, 0, 4) + ".eml";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
