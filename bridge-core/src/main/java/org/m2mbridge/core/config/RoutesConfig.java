package org.m2mbridge.core.config;

import java.util.List;

/**
 * @param defaultUpstream upstream for requests no rule matches (YAML key {@code default})
 * @param rules           first match wins: {@code to} starting with {@code prefix} goes to {@code upstream}
 */
public record RoutesConfig(@com.fasterxml.jackson.annotation.JsonProperty("default") String defaultUpstream,
                           List<RouteRule> rules) {

    public record RouteRule(String prefix, String upstream) {
    }

    public RoutesConfig {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
