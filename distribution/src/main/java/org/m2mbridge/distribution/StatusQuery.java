package org.m2mbridge.distribution;

import java.util.Deque;
import java.util.Locale;
import java.util.Map;

/**
 * What one call of {@code /api/status} asks for: a page of each large table, so that a bridge with 20,000
 * connections does not answer with one 20,000-row document. Parameters, per table ({@code connections},
 * {@code entities}): {@code <table>.q} (case-insensitive substring of any column), {@code <table>.sort} (a column
 * name), {@code <table>.order} ({@code asc}|{@code desc}), {@code <table>.offset}, {@code <table>.limit} (default
 * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}). README "Status page and API".
 */
record StatusQuery(Page connections, Page entities) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final StatusQuery FIRST_PAGES = new StatusQuery(Page.first("since"), Page.first("entityId"));

    /** One table's page: filter, sort, window. {@code sort} is a column name; unknown ones sort by the default. */
    record Page(String q, String sort, boolean descending, int offset, int limit) {
        static Page first(String sort) {
            return new Page("", sort, false, 0, DEFAULT_LIMIT);
        }
    }

    static StatusQuery of(Map<String, Deque<String>> params) {
        return new StatusQuery(page(params, "connections", "since"), page(params, "entities", "entityId"));
    }

    private static Page page(Map<String, Deque<String>> params, String table, String defaultSort) {
        String q = param(params, table + ".q", "").trim().toLowerCase(Locale.ROOT);
        String sort = param(params, table + ".sort", defaultSort);
        boolean descending = param(params, table + ".order", "asc").equalsIgnoreCase("desc");
        int offset = Math.max(0, number(param(params, table + ".offset", "0"), 0));
        int limit = Math.min(MAX_LIMIT, Math.max(1, number(param(params, table + ".limit", ""), DEFAULT_LIMIT)));
        return new Page(q, sort, descending, offset, limit);
    }

    private static String param(Map<String, Deque<String>> params, String name, String otherwise) {
        Deque<String> values = params.get(name);
        return values == null || values.isEmpty() ? otherwise : values.getFirst();
    }

    private static int number(String text, int otherwise) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
