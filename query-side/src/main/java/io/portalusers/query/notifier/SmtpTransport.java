package io.portalusers.query.notifier;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.util.Date;

/**
 * Hands emails to the SMTP server of {@code spring.mail.*}, a batch over one connection, one
 * message at a time: the server's acceptance of each message is known before the next goes.
 * The connection is made as {@link JavaMailSenderImpl} makes it (its session, protocol, host,
 * port and credentials); its own batch send reports only once the whole batch is through.
 */
class SmtpTransport implements MailTransport {

    private final JavaMailSenderImpl sender;

    SmtpTransport(JavaMailSenderImpl sender) {
        this.sender = sender;
    }

    @Override
    public Connection open() {
        return new SmtpConnection();
    }

    @Override
    public String describe() {
        return "SMTP server " + sender.getHost() + ":" + (sender.getPort() > 0 ? sender.getPort() : 25);
    }

    private final class SmtpConnection implements Connection {

        private Transport transport;

        @Override
        public void send(MimeMessage message) throws MessagingException {
            if (transport == null || !transport.isConnected()) {
                close(); // a connection that broke: connect again, as a batch send does
                try {
                    transport = connect();
                } catch (MessagingException | RuntimeException e) {
                    throw new Unreachable(e);
                }
            }
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            Address[] recipients = message.getAllRecipients();
            transport.sendMessage(message, recipients != null ? recipients : new Address[0]);
        }

        private Transport connect() throws MessagingException {
            Session session = sender.getSession();
            String protocol = sender.getProtocol();
            if (protocol == null) {
                protocol = session.getProperty("mail.transport.protocol");
            }
            Transport connection = session.getTransport(protocol != null ? protocol : "smtp");
            String username = sender.getUsername();
            String password = sender.getPassword();
            if ("".equals(username)) { // an empty placeholder: no login
                username = null;
                if ("".equals(password)) {
                    password = null;
                }
            }
            connection.connect(sender.getHost(), sender.getPort(), username, password);
            return connection;
        }

        @Override
        public void close() {
            if (transport != null) {
                try {
                    transport.close();
                } catch (MessagingException | RuntimeException e) {
                    // the messages it carried were accepted or failed already; nothing to record
                }
                transport = null;
            }
        }
    }
}
