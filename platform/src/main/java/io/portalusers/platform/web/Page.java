package io.portalusers.platform.web;

import io.portalusers.api.InvalidValueException;

import java.util.List;

/** One page of a list, with the total count it was cut from. */
public record Page<T>(List<T> items, int page, int size, long total) {

    public static final int MAX_SIZE = 100;

    public static Request request(int page, int size) {
        if (page < 0) {
            throw new InvalidValueException("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new InvalidValueException("size", "must be 1 to " + MAX_SIZE);
        }
        return new Request(page, size);
    }

    public record Request(int page, int size) {

        public long offset() {
            return (long) page * size;
        }

        public <T> Page<T> of(List<T> items, long total) {
            return new Page<>(items, page, size, total);
        }
    }
}
