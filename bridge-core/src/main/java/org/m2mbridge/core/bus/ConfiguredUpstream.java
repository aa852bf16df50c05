package org.m2mbridge.core.bus;

import org.m2mbridge.core.config.UpstreamConfig;

/**
 * An {@link Upstream} built from one {@code upstreams[]} entry: its identity (name, CSE-ID, SP-ID, link id) comes
 * from the configuration, the same way for every binding.
 */
public abstract class ConfiguredUpstream implements Upstream {
    protected final UpstreamConfig config;

    protected ConfiguredUpstream(UpstreamConfig config) {
        this.config = config;
    }

    public final UpstreamConfig config() {
        return config;
    }

    @Override
    public String id() {
        return "upstream:" + config.name();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public String cseId() {
        return config.cseId();
    }

    @Override
    public String spId() {
        return config.spId();
    }
}
