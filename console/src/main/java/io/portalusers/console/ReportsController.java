package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Reports page: users by state, pending activations by age (and the longest waiting),
 * activation emails sent and failed per week, and, for Portal Admins, registration requests per
 * week with how long approvals took. Each is a chart with its figures as a table too. The
 * figures are the API's reports, for the organizations the API lets the admin read (R-SEARCH-4):
 * a Portal Admin's every one, an Org Admin's those it administers, narrowed to one when chosen.
 */
@Controller
class ReportsController {

    static final String PATH = ConsoleConfiguration.ROOT + "/reports";
    static final int WEEKS = 12;
    static final int OLDEST = 10;
    private static final Map<String, String> STATES = new LinkedHashMap<>();

    static {
        STATES.put("pending", "Pending activation");
        STATES.put("active", "Active");
        STATES.put("disabled", "Disabled");
    }

    private final ConsoleApi api;
    private final OrganizationPicker picker;

    ReportsController(ConsoleApi api, OrganizationPicker picker) {
        this.api = api;
        this.picker = picker;
    }

    /** One report: its chart and table rows, or the API's words where it refused. */
    public record Report(BarChart chart, List<List<String>> rows, String refusal) {
    }

    /** A pending account that has waited longest. */
    public record Waiting(String id, String name, String username, String role, String since, String waited) {
    }

    @GetMapping(PATH)
    String reports(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "") String organization,
                   Model model) {
        SignedInAdmin admin = SignedInAdmin.of(user, api);
        model.addAttribute("admin", admin);
        model.addAttribute("organization", organization);
        // a Portal Admin picks among every organization, an Org Admin among those it administers
        model.addAttribute("organizationChoices", admin.portalAdmin()
                ? picker.choices(null, List.of(organization)) : picker.only(admin.administers()));
        model.addAttribute("usersByState", usersByState(organization));
        pendingActivations(organization, model);
        model.addAttribute("invitations", invitations(organization, model));
        if (admin.portalAdmin()) {
            registrations(model);
        }
        return "console/reports";
    }

    private ApiAnswer report(String path, String organization, Map<String, Object> more) {
        return api.get(b -> {
            b.path(path);
            more.forEach(b::queryParam);
            if (!organization.isBlank()) {
                b.queryParam("organization", "{organization}");
                return b.build(organization);
            }
            return b.build();
        });
    }

    private Report usersByState(String organization) {
        ApiAnswer answer = report("/api/reports/users-by-state", organization, Map.of());
        if (!answer.ok()) {
            return new Report(null, List.of(), answer.problem());
        }
        Map<String, long[]> byState = new LinkedHashMap<>();
        STATES.keySet().forEach(state -> byState.put(state, new long[1]));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode figure : answer.body().path("figures")) {
            String state = figure.path("state").asText();
            long count = figure.path("users").asLong();
            byState.computeIfAbsent(state, s -> new long[1])[0] += count;
            rows.add(List.of(STATES.getOrDefault(state, state), Labels.TABS.getOrDefault(category(figure), ""),
                    Labels.role(figure.path("accountRole").asText()), Long.toString(count)));
        }
        BarChart chart = BarChart.counts("chart-users-by-state", "Users by state", List.of("Users"),
                byState.keySet().stream().map(s -> STATES.getOrDefault(s, s)).toList(), List.copyOf(byState.values()));
        return new Report(chart, rows, null);
    }

    private static String category(JsonNode figure) {
        return "GLOBAL_PUBLISHER".equals(figure.path("category").asText()) ? "publishers" : "org-users";
    }

    private void pendingActivations(String organization, Model model) {
        ApiAnswer answer = report("/api/reports/pending-activations", organization, Map.of("oldest", OLDEST));
        if (!answer.ok()) {
            model.addAttribute("pending", new Report(null, List.of(), answer.problem()));
            model.addAttribute("waiting", List.of());
            return;
        }
        List<String> ages = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode bucket : answer.body().path("buckets")) {
            ages.add(bucket.path("age").asText());
            counts.add(new long[] {bucket.path("users").asLong()});
            rows.add(List.of(bucket.path("age").asText(), bucket.path("users").asText()));
        }
        model.addAttribute("pending", new Report(BarChart.counts("chart-pending-by-age",
                "Pending activations by age", List.of("Users"), ages, counts), rows, null));
        model.addAttribute("pendingTotal", answer.body().path("total").asLong());
        List<Waiting> waiting = new ArrayList<>();
        for (JsonNode user : answer.body().path("oldest")) {
            waiting.add(new Waiting(user.path("id").asText(), user.path("fullName").asText(),
                    user.path("username").asText(), Labels.role(user.path("accountRole").asText()),
                    Times.shown(user.path("createdAt")), duration(user.path("ageSeconds").asLong())));
        }
        model.addAttribute("waiting", waiting);
    }

    private Report invitations(String organization, Model model) {
        ApiAnswer answer = report("/api/reports/invitations", organization, Map.of("weeks", WEEKS));
        if (!answer.ok()) {
            return new Report(null, List.of(), answer.problem());
        }
        List<String> weeks = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode week : answer.body().path("weeks")) {
            weeks.add(week(week.path("week").asText()));
            counts.add(new long[] {week.path("issued").asLong(), week.path("sent").asLong(), week.path("failed").asLong()});
            rows.add(List.of(week.path("week").asText(), week.path("issued").asText(), week.path("sent").asText(),
                    week.path("failed").asText()));
        }
        // the API lists the newest week first; the chart reads left to right, oldest first
        Collections.reverse(weeks);
        Collections.reverse(counts);
        model.addAttribute("invitationsWaiting", answer.body().path("pending").asLong());
        return new Report(BarChart.counts("chart-invitations", "Activation emails per week",
                List.of("Issued", "Sent", "Failed"), weeks, counts), rows, null);
    }

    private void registrations(Model model) {
        ApiAnswer answer = api.get(b -> b.path("/api/reports/registrations").queryParam("weeks", WEEKS).build());
        if (!answer.ok()) {
            model.addAttribute("registrations", new Report(null, List.of(), answer.problem()));
            return;
        }
        List<String> weeks = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode week : answer.body().path("weeks")) {
            weeks.add(week(week.path("week").asText()));
            counts.add(new long[] {week.path("submitted").asLong(), week.path("approved").asLong(),
                    week.path("rejected").asLong(), week.path("expired").asLong()});
            rows.add(List.of(week.path("week").asText(), week.path("submitted").asText(), week.path("approved").asText(),
                    week.path("rejected").asText(), week.path("expired").asText()));
        }
        Collections.reverse(weeks);
        Collections.reverse(counts);
        model.addAttribute("registrations", new Report(BarChart.counts("chart-registrations",
                "Registration requests per week", List.of("Submitted", "Approved", "Rejected", "Expired"), weeks, counts),
                rows, null));
        JsonNode times = answer.body().path("approvalTimes");
        List<String> names = List.of("Median (p50)", "p90", "p99", "Longest");
        List<String> fields = List.of("p50Seconds", "p90Seconds", "p99Seconds", "maxSeconds");
        List<long[]> seconds = new ArrayList<>();
        List<List<String>> timeRows = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            JsonNode value = times.path(fields.get(i));
            long s = value.isNumber() ? Math.round(value.asDouble()) : 0;
            seconds.add(new long[] {s});
            timeRows.add(List.of(names.get(i), value.isNumber() ? duration(s) : "–"));
        }
        model.addAttribute("approvalTimes", new Report(BarChart.of("chart-approval-times",
                "Time from request to approval", List.of("Time to approval"), names, seconds,
                ReportsController::duration), timeRows, null));
        model.addAttribute("approved", times.path("approved").asLong());
    }

    /** A week on a chart's axis, by its first day: "30 Nov". */
    static String week(String firstDay) {
        try {
            return java.time.LocalDate.parse(firstDay).format(java.time.format.DateTimeFormatter.ofPattern("d MMM", java.util.Locale.ENGLISH));
        } catch (java.time.format.DateTimeParseException e) {
            return firstDay;
        }
    }

    /** A duration as people say it: the two largest units. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return hours + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
        }
        return hours / 24 + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
    }
}
