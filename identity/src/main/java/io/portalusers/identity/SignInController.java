package io.portalusers.identity;

import io.portalusers.api.settings.PortalSettings;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sign-in page, in English, German or French: the {@code lang} the portal passes, else the
 * browser's preference. Its failure message is one and the same for every reason a sign-in can
 * fail, so the page says nothing about whether an account exists. Where
 * {@code portal.identity.forgot-password-link} is set, it links to the page that asks for a
 * password reset link ({@code {lang}} in it: the page's language). Where
 * {@code portal.identity.sign-up-link} is set, it links to a sign-up page too, but only while
 * third-party registration is open (R-REG-1): the settings as the command side decides with them.
 */
@Controller
@OnSignIn
class SignInController {

    static final List<String> LANGUAGES = List.of("en", "de", "fr");
    private static final List<String> KEYS = List.of("title", "login", "password", "submit", "failed", "signedOut", "forgot", "signUp");

    private final ResourceBundleMessageSource texts = new ResourceBundleMessageSource();

    private final String forgotPasswordLink;
    private final String signUpLink;
    private final JdbcClient jdbc;

    SignInController(@Value("${portal.identity.forgot-password-link:}") String forgotPasswordLink,
                     @Value("${portal.identity.sign-up-link:}") String signUpLink, JdbcClient jdbc) {
        this.forgotPasswordLink = forgotPasswordLink.strip();
        this.signUpLink = signUpLink.strip();
        this.jdbc = jdbc;
        texts.setBasename("identity/messages");
        texts.setDefaultEncoding("UTF-8");
        texts.setFallbackToSystemLocale(false);
    }

    @GetMapping(IdentityConfiguration.SIGN_IN)
    String signIn(@RequestParam(required = false) String lang, HttpServletRequest request, Model model) {
        Locale locale = language(lang, request);
        Map<String, String> page = new LinkedHashMap<>();
        for (String key : KEYS) {
            page.put(key, texts.getMessage("signin." + key, null, locale));
        }
        model.addAttribute("lang", locale.getLanguage());
        model.addAttribute("t", page);
        if (!forgotPasswordLink.isEmpty()) {
            model.addAttribute("forgotLink", forgotPasswordLink.replace("{lang}", locale.getLanguage()));
        }
        if (!signUpLink.isEmpty() && registrationOpen()) {
            model.addAttribute("signUpLink", signUpLink.replace("{lang}", locale.getLanguage()));
        }
        return "identity/sign-in";
    }

    private boolean registrationOpen() {
        return jdbc.sql("select third_party_registration_enabled from settings_lookup where settings_id = ?")
                .param(PortalSettings.ID)
                .query(Boolean.class)
                .optional()
                .orElse(PortalSettings.DEFAULTS.thirdPartyRegistrationEnabled());
    }

    private static Locale language(String asked, HttpServletRequest request) {
        if (asked != null && LANGUAGES.contains(asked.toLowerCase(Locale.ROOT))) {
            return Locale.forLanguageTag(asked.toLowerCase(Locale.ROOT));
        }
        Locale found = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage(request)),
                LANGUAGES.stream().map(Locale::forLanguageTag).toList());
        return found == null ? Locale.ENGLISH : found;
    }

    private static String acceptLanguage(HttpServletRequest request) {
        String header = request.getHeader("Accept-Language");
        try {
            Locale.LanguageRange.parse(header == null ? "en" : header);
            return header == null ? "en" : header;
        } catch (IllegalArgumentException malformed) {
            return "en";
        }
    }
}
