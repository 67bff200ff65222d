package io.portalusers.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The page an invitation's link opens (point {@code portal.mail.account-setup-link} at
 * {@code /console/account-setup/{token}?lang={lang}}): the invited user, in its language, chooses
 * a password, and the API completes the account setup (R-ACT-1). Opening it consumes nothing
 * (R-ACT-4: it reads the API's form); only submitting does. The password's rules are the API's,
 * and so are its words when it refuses one.
 */
@Controller
class AccountSetupPage {

    static final String PATH = ConsoleConfiguration.ROOT + "/account-setup/{token}";
    private static final Set<String> LANGUAGES = Set.of("en", "de", "fr");
    private static final List<String> KEYS = List.of("title", "intro", "username", "password", "repeat", "submit",
            "mismatch", "invalid", "done", "signIn");

    private final ConsoleApi api;
    private final ResourceBundleMessageSource texts = new ResourceBundleMessageSource();
    /** The API's refusals in the page's language. */
    private final VisitorTexts visitorTexts = new VisitorTexts();

    AccountSetupPage(ConsoleApi api) {
        this.api = api;
        texts.setBasename("console/messages");
        texts.setDefaultEncoding("UTF-8");
        texts.setFallbackToSystemLocale(false);
    }

    @GetMapping(PATH)
    String form(@PathVariable String token, @RequestParam(required = false) String lang, HttpServletRequest request,
                Model model) {
        Locale locale = locale(lang, request);
        ApiAnswer form = api.anonymous(HttpMethod.GET, null, "/api/account-setup/{token}", token);
        return page(model, locale, form, null, null);
    }

    @PostMapping(PATH)
    String complete(@PathVariable String token, @RequestParam(required = false) String lang,
                    @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String repeat,
                    HttpServletRequest request, Model model) {
        Locale locale = locale(lang, request);
        if (!password.equals(repeat)) {
            // a typing slip, caught before the link is used; every rule of the password itself is the API's
            ApiAnswer form = api.anonymous(HttpMethod.GET, null, "/api/account-setup/{token}", token);
            return page(model, locale, form, "repeat", texts.getMessage("mismatch", null, locale));
        }
        ApiAnswer done = api.anonymous(HttpMethod.POST, Map.of("password", password), "/api/account-setup/{token}", token);
        if (done.ok()) {
            model.addAttribute("done", true);
            return page(model, locale, done, null, null);
        }
        if (done.status() == 400) {
            ApiAnswer form = api.anonymous(HttpMethod.GET, null, "/api/account-setup/{token}", token);
            return page(model, locale, form, "password",
                    visitorTexts.fieldErrors(done, locale).getOrDefault("password", visitorTexts.problem(done, locale)));
        }
        return page(model, locale, done, null, null);
    }

    private String page(Model model, Locale locale, ApiAnswer answer, String field, String error) {
        Map<String, String> t = new LinkedHashMap<>();
        for (String key : KEYS) {
            t.put(key, texts.getMessage(key, null, locale));
        }
        model.addAttribute("t", t);
        model.addAttribute("lang", locale.getLanguage());
        model.addAttribute("valid", answer.ok());
        model.addAttribute("username", answer.body().path("username").asText(""));
        model.addAttribute("firstName", answer.body().path("firstName").asText(""));
        model.addAttribute("errorField", field);
        model.addAttribute("error", error);
        if (!answer.ok() && answer.status() != 404) {
            model.addAttribute("problem", visitorTexts.problem(answer, locale));
        }
        return "console/account-setup";
    }

    private static Locale locale(String lang, HttpServletRequest request) {
        if (lang != null && LANGUAGES.contains(lang)) {
            return Locale.forLanguageTag(lang);
        }
        String browser = request.getLocale().getLanguage();
        return Locale.forLanguageTag(LANGUAGES.contains(browser) ? browser : "en");
    }
}
