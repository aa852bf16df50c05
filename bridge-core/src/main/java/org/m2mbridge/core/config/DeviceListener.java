package org.m2mbridge.core.config;

/**
 * A listener devices use as their registrar, whatever its transport: what it carries beyond its address is the peer
 * dialect of its devices ({@code listeners.<key>.dialect}), repaired on the way in.
 */
public interface DeviceListener {

    /** Repairs for the dialect of the devices on this listener; {@link DeviceDialect#NONE} when none. */
    DeviceDialect dialect();
}
