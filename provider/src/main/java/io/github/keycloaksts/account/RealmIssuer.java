package io.github.keycloaksts.account;

import java.net.URI;
import java.util.regex.Pattern;

import org.keycloak.services.Urls;

/**
 * A realm's issuer URL, as {@link Urls#realmIssuer} makes it, without building a URI for the common case: a base URI
 * ending in {@code /} and a realm name that needs no percent-encoding (AssumeRole needs two per exchange: the subject
 * token's and the role token's).
 */
public final class RealmIssuer {

    /** RFC 3986 unreserved characters: a path segment of these is the same encoded or not. */
    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]+");

    private RealmIssuer() {
    }

    public static String of(URI baseUri, String realmName) {
        String base = baseUri.toString();
        if (base.endsWith("/") && baseUri.getRawQuery() == null && baseUri.getRawFragment() == null
                && UNRESERVED.matcher(realmName).matches() && !realmName.equals(".") && !realmName.equals("..")) {
            return base + "realms/" + realmName;
        }
        return Urls.realmIssuer(baseUri, realmName);
    }
}
