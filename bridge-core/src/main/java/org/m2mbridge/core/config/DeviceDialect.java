package org.m2mbridge.core.config;

import java.util.List;

/**
 * Repairs for devices whose requests a strict CSE refuses although their meaning is clear (a peer dialect), set per
 * device listener ({@code listeners.<ws|wss|deviceHttp|deviceMqtt>.dialect}). Every repair is off unless set; the
 * bridge otherwise forwards primitives unchanged. Applied on the way in by {@code dialect.DialectRepair}.
 *
 * @param defaultRvi         {@code rvi} given to a request that has none. TS-0004 7.3.2.1 reads a missing
 *                           {@code rvi} as Release 1, which a Release 3+ CSE refuses (ACME: 4001); a device on an
 *                           {@code oneM2M.R2.0.*} subprotocol means Release 2, so {@code "2a"} (the first release that
 *                           names itself in {@code rvi}) is the value for such devices (nCube-Thyme). Default: none
 * @param slashedCseBaseName read a {@code to} of {@code /<name>[/...]}, where {@code <name>} is an upstream's
 *                           {@code cseName} (its CSEBase resource name) and not a CSE-ID, as the CSE-relative
 *                           {@code <name>[/...]} the device meant (Mobius' dialect: {@code /Mobius/ae}); SP-relative
 *                           {@code /<name>} would name a CSE of that ID instead (TS-0001 7.2). Default false
 * @param defaultSrv         {@code srv} (supportedReleaseVersions) given to a registration (CREATE {@code <AE>} or
 *                           {@code <remoteCSE>}) that has none; mandatory from Release 3 on (ACME: 4000). Default:
 *                           none
 */
public record DeviceDialect(String defaultRvi, Boolean slashedCseBaseName, List<String> defaultSrv) {
    public static final DeviceDialect NONE = new DeviceDialect(null, null, null);

    /** A release version indicator as written in {@code rvi}/{@code srv}: {@code 2a}, {@code 3}, {@code 5}. */
    private static final String RELEASE = "^[1-9][0-9]?[a-z]?$";

    public DeviceDialect {
        slashedCseBaseName = slashedCseBaseName != null && slashedCseBaseName;
        defaultSrv = defaultSrv == null ? List.of() : List.copyOf(defaultSrv);
    }

    /** True when no repair is switched on. */
    public boolean isEmpty() {
        return defaultRvi == null && !slashedCseBaseName && defaultSrv.isEmpty();
    }

    /** Throws a {@link ConfigException} naming {@code key.<repair>} for the first value that is none. */
    public void validate(String key) {
        ConfigException.require(defaultRvi == null || defaultRvi.matches(RELEASE), key + ".defaultRvi",
                "must be a release version such as \"2a\" or \"3\"; got '" + defaultRvi + "'");
        for (int i = 0; i < defaultSrv.size(); i++) {
            String v = defaultSrv.get(i);
            ConfigException.require(v != null && v.matches(RELEASE), key + ".defaultSrv[" + i + "]",
                    "must be a release version such as \"2a\" or \"3\"; got '" + v + "'");
        }
    }
}
