package io.portalusers.api.organization;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.Text;

/** The account plan of an organization, named as the portal's plans are. */
public record AccountPlan(String value) {

    public static final int MAX_LENGTH = 100;

    public AccountPlan {
        value = Text.singleLine(value, MAX_LENGTH);
    }

    @JsonCreator
    public static AccountPlan of(String value) {
        return new AccountPlan(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
