package io.portalusers.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.Locale;
import java.util.Map;

/**
 * Forgot password (R-AUTH-4) in the browser: the sign-in page's "Forgot your password?" opens
 * the request form, which asks the API for a link; the emailed link (point
 * {@code portal.mail.password-reset-link} at {@code /console/password-reset/{token}?lang={lang}})
 * opens the form for the new password, which the API sets. The page after asking says the
 * same whatever the login named, as the API's answer does; opening the link consumes nothing
 * (the page reads the API's form); the password's rules and their words are the API's.
 */
@Controller
class PasswordResetPages {

    static final String REQUEST = ConsoleConfiguration.ROOT + "/password-reset";
    static final String LINK = REQUEST + "/{token}";
    private static final String API_REQUESTS = "/api/password-resets";
    private static final String API_LINK = "/api/password-resets/{token}";

    private final ConsoleApi api;
    private final VisitorTexts texts = new VisitorTexts();

    PasswordResetPages(ConsoleApi api) {
        this.api = api;
    }

    @GetMapping(REQUEST)
    String requestForm(@RequestParam(required = false) String lang, HttpServletRequest request, Model model) {
        return requestPage(model, VisitorTexts.locale(lang, request), "", null, null, false);
    }

    @PostMapping(REQUEST)
    String ask(@RequestParam(required = false) String lang, @RequestParam(defaultValue = "") String login,
               HttpServletRequest request, Model model) {
        Locale locale = VisitorTexts.locale(lang, request);
        if (login.isBlank()) {
            return requestPage(model, locale, login, texts.get("resetLoginRequired", locale), null, false);
        }
        ApiAnswer asked = api.anonymous(HttpMethod.POST, Map.of("login", login.strip()), API_REQUESTS);
        if (asked.ok()) {
            return requestPage(model, locale, login, null, null, true);
        }
        if (asked.status() == 400) {
            return requestPage(model, locale, login,
                    texts.fieldErrors(asked, locale).getOrDefault("login", texts.problem(asked, locale)), null, false);
        }
        return requestPage(model, locale, login, null, texts.problem(asked, locale), false);
    }

    @GetMapping(LINK)
    String newPasswordForm(@PathVariable String token, @RequestParam(required = false) String lang,
                           HttpServletRequest request, Model model) {
        Locale locale = VisitorTexts.locale(lang, request);
        return newPasswordPage(model, locale, api.anonymous(HttpMethod.GET, null, API_LINK, token), null, null);
    }

    @PostMapping(LINK)
    String setNewPassword(@PathVariable String token, @RequestParam(required = false) String lang,
                          @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String repeat,
                          HttpServletRequest request, Model model) {
        Locale locale = VisitorTexts.locale(lang, request);
        if (!password.equals(repeat)) {
            // a typing slip, caught before the link is used; every rule of the password itself is the API's
            return newPasswordPage(model, locale, api.anonymous(HttpMethod.GET, null, API_LINK, token), "repeat",
                    texts.get("mismatch", locale));
        }
        ApiAnswer done = api.anonymous(HttpMethod.POST, Map.of("password", password), API_LINK, token);
        if (done.ok()) {
            model.addAttribute("done", true);
            return newPasswordPage(model, locale, done, null, null);
        }
        if (done.status() == 400) {
            return newPasswordPage(model, locale, api.anonymous(HttpMethod.GET, null, API_LINK, token), "password",
                    texts.fieldErrors(done, locale).getOrDefault("password", texts.problem(done, locale)));
        }
        return newPasswordPage(model, locale, done, null, null);
    }

    private String requestPage(Model model, Locale locale, String login, String loginError, String problem, boolean sent) {
        common(model, locale);
        model.addAttribute("login", login);
        model.addAttribute("loginError", loginError);
        model.addAttribute("problem", problem);
        model.addAttribute("sent", sent);
        return "console/password-reset-request";
    }

    private String newPasswordPage(Model model, Locale locale, ApiAnswer answer, String field, String error) {
        common(model, locale);
        model.addAttribute("valid", answer.ok());
        model.addAttribute("minLength", answer.body().path("minLength").asInt(0));
        model.addAttribute("maxLength", answer.body().path("maxLength").asInt(128));
        model.addAttribute("errorField", field);
        model.addAttribute("error", error);
        // an unknown, used or expired link is the API's 404; anything else (too many requests...) in its words
        if (!answer.ok() && answer.status() != 404) {
            model.addAttribute("problem", texts.problem(answer, locale));
        }
        return "console/password-reset";
    }

    private void common(Model model, Locale locale) {
        model.addAttribute("t", texts.all(locale));
        model.addAttribute("lang", locale.getLanguage());
    }
}
