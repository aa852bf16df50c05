package org.m2mbridge.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The addresses a configuration names ({@code upstreams[].url}, {@code upstreams[].broker},
 * {@code listeners.deviceMqtt.broker}): a scheme the binding speaks, a host, and a port in 1..65535 when one is
 * written. {@code URI} itself accepts {@code http://127.0.0.1:80800}; the HTTP client then fails at start with a
 * message that blames a listener, so the range is checked here, naming the key.
 */
public final class ConfigUrls {

    private ConfigUrls() {
    }

    /** Throws {@link ConfigException} naming {@code key} unless {@code url} is a usable address of {@code schemes}. */
    public static URI require(String url, String key, List<String> schemes, String example) {
        ConfigException.require(url != null && !url.isBlank(), key, "is required, e.g. " + example);
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(key + ": not a URL: '" + url + "' (" + e.getReason() + "), e.g. " + example);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        ConfigException.require(scheme != null && schemes.contains(scheme), key, "must start with "
                + String.join("://, ", schemes) + "://, e.g. " + example + "; got '" + url + "'");
        if (uri.getHost() == null) {
            // URI leaves host empty when the authority does not parse as host[:port], e.g. a port of letters
            String authority = uri.getRawAuthority();
            int colon = authority == null ? -1 : authority.lastIndexOf(':');
            String port = colon < 0 ? "" : authority.substring(colon + 1);
            ConfigException.require(!port.matches("\\d+"), key, "port " + port + " is out of range 1..65535 in '"
                    + url + "'");
            throw new ConfigException(key + ": has no host: '" + url + "', e.g. " + example);
        }
        ConfigException.require(uri.getPort() == -1 || uri.getPort() >= 1 && uri.getPort() <= 65535, key,
                "port " + uri.getPort() + " is out of range 1..65535 in '" + url + "'");
        return uri;
    }

    /**
     * Checks the {@code url} of every upstream of {@code config} naming {@code binding}, as {@link #require} does
     * ({@code upstreams[1].url: ...}): each binding that reaches its CSE by URL checks its own.
     */
    public static void requireUrls(BridgeConfig config, String binding, List<String> schemes, String example) {
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (binding.equals(u.binding())) {
                require(u.url(), "upstreams[" + i + "].url", schemes, example);
            }
        }
    }
}
