package io.portalusers.scim;

import io.portalusers.api.SchemeId;
import io.portalusers.api.authscheme.ProvisionIdpUser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A SCIM filter on Users (RFC 7644, 3.4.2.2), turned into a SQL condition on {@code user_view u}
 * with its values as parameters, never as SQL text. It takes {@code eq}, {@code ne}, {@code co},
 * {@code sw}, {@code ew}, {@code pr}, {@code and}, {@code or}, {@code not} and parentheses, on
 * the attributes of {@link #COLUMNS} (compared without case, as their schema says) and on
 * {@code externalId} with {@code eq} (it is kept only as a hash, like a sign-in's subject).
 * Anything else is a 400 {@code invalidFilter}, never a list of everyone.
 */
final class UserFilter {

    /** The filterable attributes, lower-cased, and the column each reads. */
    private static final Map<String, String> COLUMNS = Map.of(
            "username", "u.username",
            "emails", "u.email",
            "emails.value", "u.email",
            "name.givenname", "u.first_name",
            "name.familyname", "u.last_name",
            "name.formatted", "u.full_name",
            "displayname", "u.full_name");
    private static final int MAX_LENGTH = 1000;

    private final String text;
    private final SchemeId scheme;
    private final List<Object> params = new ArrayList<>();
    private int at;

    private UserFilter(String text, SchemeId scheme) {
        this.text = text;
        this.scheme = scheme;
    }

    record Sql(String condition, List<Object> params) {
    }

    /** The condition {@code filter} stands for, on the users of {@code scheme}. */
    static Sql parse(String filter, SchemeId scheme) {
        if (filter.length() > MAX_LENGTH) {
            throw ScimException.invalidFilter("a filter has at most " + MAX_LENGTH + " characters");
        }
        UserFilter parser = new UserFilter(filter, scheme);
        String condition = parser.or();
        parser.skipSpaces();
        if (parser.at < filter.length()) {
            throw parser.unexpected();
        }
        return new Sql(condition, List.copyOf(parser.params));
    }

    private String or() {
        String left = and();
        while (keyword("or")) {
            left = "(" + left + " or " + and() + ")";
        }
        return left;
    }

    private String and() {
        String left = atom();
        while (keyword("and")) {
            left = "(" + left + " and " + atom() + ")";
        }
        return left;
    }

    private String atom() {
        skipSpaces();
        if (peek('(')) {
            at++;
            String inner = or();
            expect(')');
            return "(" + inner + ")";
        }
        if (keyword("not")) {
            skipSpaces();
            expect('(');
            String inner = or();
            expect(')');
            return "(not coalesce(" + inner + ", false))";
        }
        String attribute = attributePath();
        String operator = word().toLowerCase(Locale.ROOT);
        if (operator.equals("pr")) {
            return present(attribute);
        }
        Object value = value();
        return comparison(attribute, operator, value);
    }

    private String present(String attribute) {
        return switch (attribute) {
            case "externalid" -> throw ScimException.invalidFilter("externalId is filtered with eq only");
            case "active", "id", "meta.created", "meta.lastmodified" -> "true";
            default -> "(" + column(attribute) + " <> '')";
        };
    }

    private String comparison(String attribute, String operator, Object value) {
        if (attribute.equals("active")) {
            if (!(value instanceof Boolean flag) || !(operator.equals("eq") || operator.equals("ne"))) {
                throw ScimException.invalidFilter("active is compared with eq or ne to true or false");
            }
            params.add(flag);
            return operator.equals("eq") ? "(u.enabled = ?)" : "(u.enabled <> ?)";
        }
        if (!(value instanceof String string)) {
            throw ScimException.invalidFilter(attribute + " is compared with a string");
        }
        if (attribute.equals("id")) {
            if (!operator.equals("eq")) {
                throw ScimException.invalidFilter("id is filtered with eq only");
            }
            params.add(uuid(string));
            return "(u.user_id = ?)";
        }
        if (attribute.equals("externalid")) {
            if (!operator.equals("eq")) {
                throw ScimException.invalidFilter("externalId is filtered with eq only: it is kept only as a hash");
            }
            params.add(ProvisionIdpUser.subjectKey(scheme, string));
            return "(u.user_id in (select l.user_id from idp_subject_lookup l where l.subject_key = ?))";
        }
        String column = "lower(" + column(attribute) + ")";
        String folded = string.toLowerCase(Locale.ROOT);
        return switch (operator) {
            case "eq" -> bind("(" + column + " = ?)", folded);
            case "ne" -> bind("(" + column + " <> ?)", folded);
            case "co" -> bind("(strpos(" + column + ", ?) > 0)", folded);
            case "sw" -> bind("starts_with(" + column + ", ?)", folded);
            case "ew" -> bind("(right(" + column + ", char_length(?)) = ?)", folded, folded);
            case "gt", "ge", "lt", "le" -> throw ScimException.invalidFilter(operator + " is not supported on " + attribute);
            default -> throw ScimException.invalidFilter("unknown operator " + operator);
        };
    }

    private String bind(String condition, Object... values) {
        params.addAll(List.of(values));
        return condition;
    }

    private static String column(String attribute) {
        String column = COLUMNS.get(attribute);
        if (column == null) {
            throw ScimException.invalidFilter("the filter names an attribute that cannot be filtered: " + attribute);
        }
        return column;
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return new UUID(0, 0);
        }
    }

    /** An attribute path, lower-cased, without the core User schema's URN if it was given. */
    private String attributePath() {
        skipSpaces();
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || ":._-$".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        if (start == at) {
            throw unexpected();
        }
        if (peek('[')) {
            throw ScimException.invalidFilter("value filters in brackets are not supported; filter emails.value instead");
        }
        String path = text.substring(start, at).toLowerCase(Locale.ROOT);
        String core = Scim.USER.toLowerCase(Locale.ROOT) + ":";
        return path.startsWith(core) ? path.substring(core.length()) : path;
    }

    private String word() {
        skipSpaces();
        int start = at;
        while (at < text.length() && Character.isLetter(text.charAt(at))) {
            at++;
        }
        if (start == at) {
            throw unexpected();
        }
        return text.substring(start, at);
    }

    /** A JSON value: a string, true, false, null or a number. */
    private Object value() {
        skipSpaces();
        if (peek('"')) {
            StringBuilder string = new StringBuilder();
            at++;
            while (at < text.length() && text.charAt(at) != '"') {
                char c = text.charAt(at++);
                if (c == '\\' && at < text.length()) {
                    char escaped = text.charAt(at++);
                    switch (escaped) {
                        case 'n' -> string.append('\n');
                        case 't' -> string.append('\t');
                        case 'r' -> string.append('\r');
                        case 'b' -> string.append('\b');
                        case 'f' -> string.append('\f');
                        case 'u' -> {
                            if (at + 4 > text.length()) {
                                throw unexpected();
                            }
                            try {
                                string.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            } catch (NumberFormatException e) {
                                throw unexpected();
                            }
                            at += 4;
                        }
                        default -> string.append(escaped);
                    }
                } else {
                    string.append(c);
                }
            }
            if (at >= text.length()) {
                throw ScimException.invalidFilter("a string in the filter is not closed");
            }
            at++;
            return string.toString();
        }
        int start = at;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && text.charAt(at) != ')') {
            at++;
        }
        String literal = text.substring(start, at);
        return switch (literal.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> throw ScimException.invalidFilter("null is not compared; use pr");
            default -> {
                if (literal.isEmpty()) {
                    throw unexpected();
                }
                throw ScimException.invalidFilter("a value is a string in double quotes, true or false");
            }
        };
    }

    private boolean keyword(String keyword) {
        skipSpaces();
        int end = at + keyword.length();
        if (end < text.length() && text.regionMatches(true, at, keyword, 0, keyword.length())
                && (Character.isWhitespace(text.charAt(end)) || text.charAt(end) == '(')) {
            at = end;
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        skipSpaces();
        if (!peek(c)) {
            throw unexpected();
        }
        at++;
    }

    private void skipSpaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private ScimException unexpected() {
        return ScimException.invalidFilter("the filter cannot be read at character " + (at + 1));
    }
}
