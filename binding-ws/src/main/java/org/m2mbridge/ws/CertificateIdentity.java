package org.m2mbridge.ws;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a client certificate says about its holder, in the three forms {@code ws.identities} can match: subject
 * CN, SAN URIs (TS-0003 suggests the AE-ID or CSE-ID as a URI SAN) and the SHA-256 fingerprint of the DER bytes.
 */
record CertificateIdentity(String commonName, List<String> uris, String fingerprint) {
    private static final int SAN_URI = 6; // RFC 5280 4.2.1.6 GeneralName uniformResourceIdentifier

    static CertificateIdentity of(X509Certificate certificate) {
        return new CertificateIdentity(commonName(certificate), sanUris(certificate), fingerprint(certificate));
    }

    /** Whether a {@code ws.identities[].match} value names this certificate. */
    boolean matches(String match) {
        int colon = match.indexOf(':');
        String kind = match.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = match.substring(colon + 1).trim();
        return switch (kind) {
            case "cn" -> value.equals(commonName);
            case "uri" -> uris.contains(value);
            case "fingerprint" -> value.replace(":", "").equalsIgnoreCase(fingerprint);
            default -> false;
        };
    }

    private static String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) { // most specific first
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            // an unparsable subject has no CN to match
        }
        return null;
    }

    private static List<String> sanUris(X509Certificate certificate) {
        List<String> uris = new ArrayList<>();
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0))) {
                        uris.add(String.valueOf(name.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable SAN extension: nothing to match by URI
        }
        return List.copyOf(uris);
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a client certificate", e);
        }
    }
}
