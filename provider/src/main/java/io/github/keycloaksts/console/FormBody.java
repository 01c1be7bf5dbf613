package io.github.keycloaksts.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * An {@code application/x-www-form-urlencoded} body decoded as UTF-8 whatever charset the request claims (our
 * forms are UTF-8 pages). Invalid percent-encoding is the caller's error: 400, never the framework's 500.
 */
final class FormBody {

    /** The body is not a form: the request's fault, answered 400. */
    static final class Malformed extends RuntimeException {
        Malformed(Throwable cause) {
            super("malformed form body", cause);
        }
    }

    private FormBody() {
    }

    static MultivaluedMap<String, String> parse(byte[] body) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        if (body == null || body.length == 0) {
            return form;
        }
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!name.isEmpty()) {
                form.add(name, value);
            }
        }
        return form;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Malformed(e);
        }
    }
}
