package io.portalusers.query.notifier;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.springframework.context.MessageSource;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.web.util.HtmlUtils;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Writes an email of the outbox as a MIME message: plain text and HTML alternatives in the
 * recipient's language ({@code mail/messages_<lang>.properties}; English where a language
 * has no texts), with the Message-ID the outbox gave it.
 */
class MailComposer {

    private static final Session SESSION = Session.getInstance(new Properties());

    private final NotifierProperties properties;
    private final MessageSource texts;

    MailComposer(NotifierProperties properties) {
        this.properties = properties;
        ResourceBundleMessageSource bundle = new ResourceBundleMessageSource();
        bundle.setBasename("mail/messages");
        bundle.setDefaultEncoding(StandardCharsets.UTF_8.name());
        bundle.setFallbackToSystemLocale(false);
        this.texts = bundle;
    }

    /** A written email: its subject, and the same content as text and as HTML. */
    record Content(String subject, String text, String html) {
    }

    /** The email {@code mail} as it is sent; {@code token} only for kinds that carry one. */
    MimeMessage compose(OutgoingMail mail, String token) throws MessagingException {
        Content content = content(mail, token);
        MimeMessage message = new FixedIdMessage(SESSION, mail.messageId());
        message.setFrom(address(properties.from()));
        message.setRecipient(MimeMessage.RecipientType.TO, address(mail.recipient()));
        message.setSubject(content.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setHeader("Content-Language", Locale.forLanguageTag(mail.language()).getLanguage());
        message.setHeader("Auto-Submitted", "auto-generated");

        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), StandardCharsets.UTF_8.name(), "plain");
        // short lines only: the link stays whole on its line, for people and for grep
        text.setHeader("Content-Transfer-Encoding", "8bit");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternatives = new MimeMultipart("alternative");
        alternatives.addBodyPart(text);
        alternatives.addBodyPart(html);
        message.setContent(alternatives);
        message.saveChanges();
        return message;
    }

    Content content(OutgoingMail mail, String token) {
        Locale locale = Locale.forLanguageTag(mail.language());
        Map<String, String> params = mail.params();
        String key = mail.kind().key();
        String subject = text(key + ".subject", locale);
        String greeting = text("greeting", locale, params.get("firstName"));
        // {lang}: a portal's page opens in the recipient's language, as the email is written in it
        String link = token == null ? null
                : linkTemplate(mail.kind()).replace("{token}", token).replace("{lang}", locale.getLanguage());
        String intro = text(key + ".intro", locale, params.get("username"), params.get("organizationName"));
        String reason = params.containsKey("reason") ? text(key + ".reason", locale, params.get("reason")) : null;
        String action = link == null ? null : text(key + ".action", locale);
        String expires = params.containsKey("expiresAt")
                ? text(key + ".expires", locale, formatted(Instant.parse(params.get("expiresAt")), locale))
                : null;
        String ignore = texts.getMessage(key + ".ignore", null, null, locale);
        String signature = text("signature", locale);

        StringBuilder plain = new StringBuilder()
                .append(greeting).append("\n\n").append(intro).append("\n\n");
        if (reason != null) {
            plain.append(reason).append("\n\n");
        }
        if (link != null) {
            plain.append(action).append(":\n").append(link).append("\n\n");
        }
        if (expires != null) {
            plain.append(expires).append("\n\n");
        }
        if (ignore != null) {
            plain.append(ignore).append("\n\n");
        }
        plain.append("-- \n").append(signature).append('\n');

        StringBuilder html = new StringBuilder()
                .append("<!DOCTYPE html><html lang=\"").append(escape(locale.getLanguage())).append("\"><head>")
                .append("<meta charset=\"utf-8\"><title>").append(escape(subject)).append("</title></head>")
                .append("<body style=\"font-family:sans-serif;line-height:1.5;color:#222\">")
                .append("<p>").append(escape(greeting)).append("</p>")
                .append("<p>").append(escape(intro)).append("</p>");
        if (reason != null) {
            html.append("<blockquote>").append(escape(reason)).append("</blockquote>");
        }
        if (link != null) {
            html.append("<p><a href=\"").append(escape(link)).append("\" style=\"display:inline-block;padding:10px 18px;")
                    .append("background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px\">")
                    .append(escape(action)).append("</a></p>")
                    .append("<p style=\"font-size:small\">").append(escape(link)).append("</p>");
        }
        if (expires != null) {
            html.append("<p>").append(escape(expires)).append("</p>");
        }
        if (ignore != null) {
            html.append("<p style=\"color:#666\">").append(escape(ignore)).append("</p>");
        }
        html.append("<p>").append(escape(signature)).append("</p></body></html>");
        return new Content(subject, plain.toString(), html.toString());
    }

    private String linkTemplate(MailKind kind) {
        return kind == MailKind.PASSWORD_RESET ? properties.passwordResetLink() : properties.accountSetupLink();
    }

    private String text(String key, Locale locale, Object... args) {
        return texts.getMessage(key, args, locale);
    }

    private static String formatted(Instant at, Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneOffset.UTC)
                .format(at) + " UTC";
    }

    private static String escape(String value) {
        return HtmlUtils.htmlEscape(value, StandardCharsets.UTF_8.name());
    }

    private static InternetAddress address(String address) throws MessagingException {
        try {
            InternetAddress parsed = new InternetAddress(address, false);
            return parsed.getPersonal() == null ? parsed
                    : new InternetAddress(parsed.getAddress(), parsed.getPersonal(), StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("unsupported encoding", e);
        }
    }

    /** A message that keeps the Message-ID it was given instead of drawing a new one when saved. */
    private static final class FixedIdMessage extends MimeMessage {

        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
