package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Third-party registration (R-REG-1..4) in the browser: a visitor asks for an account and a
 * new organization of which it becomes Org Admin. The settings, read from the API, decide
 * whether the form is offered at all (R-REG-1) and what the visitor is told after sending it:
 * that a Portal Admin decides first (R-REG-2), or that the account setup email is on its way.
 * What comes after sending depends only on the settings, never on what was sent, as the API's
 * answer does not either (R-REG-4). Every refusal is the API's, beside its field.
 */
@Controller
class SignUpPage {

    static final String PATH = ConsoleConfiguration.ROOT + "/sign-up";
    private static final String API = "/api/registrations";
    private static final String SETTINGS = "/api/settings/registration";
    /** The form's fields, in the API's names and in the page's order (the keyboard goes to the first refused). */
    private static final String[] FIELDS = {"firstName", "lastName", "email", "username", "language", "organizationName",
            "termsAccepted"};

    private final ConsoleApi api;
    private final VisitorTexts texts = new VisitorTexts();

    SignUpPage(ConsoleApi api) {
        this.api = api;
    }

    @GetMapping(PATH)
    String form(@RequestParam(required = false) String lang, HttpServletRequest request, Model model) {
        Locale locale = VisitorTexts.locale(lang, request);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("language", locale.getLanguage());
        return page(model, locale, settings(), values, Map.of(), null, false);
    }

    @PostMapping(PATH)
    String submit(@RequestParam(required = false) String lang, @RequestParam Map<String, String> form,
                  HttpServletRequest request, Model model) {
        Locale locale = VisitorTexts.locale(lang, request);
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : FIELDS) {
            values.put(field, form.getOrDefault(field, "").strip());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        for (String field : FIELDS) {
            if (!field.equals("termsAccepted")) {
                body.put(field, values.get(field).isEmpty() ? null : values.get(field));
            }
        }
        body.put("termsAccepted", "true".equals(values.get("termsAccepted")));
        ApiAnswer sent = api.anonymous(HttpMethod.POST, body, API);
        ApiAnswer settings = settings();
        if (sent.ok()) {
            return page(model, locale, settings, values, Map.of(), null, true);
        }
        if (sent.status() == 403 && "R-REG-1".equals(sent.code())) {
            // closed meanwhile: the page says so, as it would on opening
            return page(model, locale, new ApiAnswer(200, closed()), values, Map.of(), null, false);
        }
        Map<String, String> errors = texts.fieldErrors(sent, locale);
        String problem = texts.problem(sent, locale);
        if (sent.status() == 409 && "R-REG-1".equals(sent.code())) {
            // the organization's name is taken: the rule's words beside that field
            errors.putIfAbsent("organizationName", problem);
            problem = null;
        } else if (!errors.isEmpty()) {
            problem = texts.get("signUpFix", locale);
        }
        return page(model, locale, settings, values, errors, problem, false);
    }

    private ApiAnswer settings() {
        return api.anonymous(HttpMethod.GET, null, SETTINGS);
    }

    private static JsonNode closed() {
        return JsonNodeFactory.instance.objectNode()
                .put("thirdPartyRegistrationEnabled", false).put("registrationWorkflowEnabled", false);
    }

    private String page(Model model, Locale locale, ApiAnswer settings, Map<String, String> values,
                        Map<String, String> errors, String problem, boolean sent) {
        model.addAttribute("t", texts.all(locale));
        model.addAttribute("lang", locale.getLanguage());
        model.addAttribute("languages", Labels.LANGUAGES);
        model.addAttribute("settingsRead", settings.ok());
        model.addAttribute("open", settings.body().path("thirdPartyRegistrationEnabled").asBoolean(false));
        model.addAttribute("approval", settings.body().path("registrationWorkflowEnabled").asBoolean(false));
        if (!settings.ok()) {
            problem = texts.problem(settings, locale);
        }
        model.addAttribute("v", values);
        model.addAttribute("errors", errors);
        // errors of fields the form does not show (a name too long for both fields together...)
        model.addAttribute("otherErrors", errors.entrySet().stream()
                .filter(e -> !Arrays.asList(FIELDS).contains(e.getKey()))
                .map(e -> e.getKey().isEmpty() ? e.getValue() : e.getKey() + ": " + e.getValue()).toList());
        model.addAttribute("problem", problem);
        model.addAttribute("sent", sent);
        // the keyboard starts where the first correction is (the page scrolls there), else at the first field
        model.addAttribute("focus", Arrays.stream(FIELDS).filter(errors::containsKey).findFirst().orElse("firstName"));
        return "console/sign-up";
    }
}
