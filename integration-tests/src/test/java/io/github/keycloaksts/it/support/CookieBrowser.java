package io.github.keycloaksts.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser at the HTTP level, for attacks a real browser would not send: its own cookie jar (name and path; every
 * request goes to the one test server, so domains are ignored and Secure cookies are sent over http, as browsers do
 * for localhost), redirects not followed unless asked, and requests written byte for byte on a socket, so a request
 * line may carry raw braces, invalid percent-encoding or a NUL that {@link java.net.URI} would refuse.
 */
public final class CookieBrowser {

    /** A response as written by the server: status, headers (names lower-cased), body. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public List<String> setCookies() {
            return headers.getOrDefault("set-cookie", List.of());
        }

        /** The Set-Cookie header of {@code name} that sets a value (not one that expires it), or null. */
        public String settingCookie(String name) {
            return setCookies().stream()
                    .filter(c -> c.startsWith(name + "="))
                    .filter(c -> !c.startsWith(name + "=;") && !c.startsWith(name + "=\"\"") && !c.matches("(?i).*max-age=0(;.*)?$"))
                    .findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + headers + "\n" + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body);
        }
    }

    private record StoredCookie(String name, String value, String path) {
    }

    private final KeycloakServer server;
    private final URI base;
    private final Map<String, StoredCookie> cookies;

    public CookieBrowser(KeycloakServer server) {
        this(server, new LinkedHashMap<>());
    }

    private CookieBrowser(KeycloakServer server, Map<String, StoredCookie> cookies) {
        this.server = server;
        this.base = URI.create(server.baseUrl());
        this.cookies = cookies;
    }

    /**
     * This browser (the same cookie jar) talking to another node of a cluster, as a load balancer may route it: URLs
     * keep their path, the request goes to {@code node}.
     */
    public CookieBrowser via(KeycloakServer node) {
        return new CookieBrowser(node, cookies);
    }

    // ---- requests ---------------------------------------------------------------------------------------------

    public Reply get(String url) {
        return send("GET", url, null, null);
    }

    public Reply postForm(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send("POST", url, "application/x-www-form-urlencoded", body);
    }

    /**
     * Sends {@code method target} exactly as given ({@code target} is the raw request target, e.g.
     * {@code /realms/company-b/sts/switch-role?kc_locale={x}}), with this browser's cookies.
     */
    public Reply raw(String method, String target, String contentType, String body) {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Accept: text/html,application/xhtml+xml\r\n")
                .append("Connection: close\r\n");
        String cookieHeader = cookieHeader(path);
        if (!cookieHeader.isEmpty()) {
            request.append("Cookie: ").append(cookieHeader).append("\r\n");
        }
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null || !method.equals("GET")) {
            request.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        request.append("\r\n");
        Reply reply = exchange(request.toString().getBytes(StandardCharsets.UTF_8), bodyBytes);
        remember(reply, path);
        return reply;
    }

    public Reply send(String method, String url, String contentType, String body) {
        URI uri = URI.create(url);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return raw(method, target, contentType, body);
    }

    /** Follows 30x redirects (GET) from {@code reply}, at most 10. */
    public Reply follow(Reply reply) {
        Reply current = reply;
        for (int i = 0; i < 10 && current.status() >= 300 && current.status() < 400; i++) {
            current = get(absolute(current.header("location")));
        }
        return current;
    }

    public String absolute(String location) {
        return base.resolve(location).toString();
    }

    // ---- flows ------------------------------------------------------------------------------------------------

    /** Opens {@code pageUrl}; when it sends the browser to the realm's login form, signs in there and comes back. */
    public Reply signInThrough(String pageUrl, String username, String password) {
        Reply login = follow(get(pageUrl));
        assertThat(login.status()).as("login form: " + login).isEqualTo(200);
        String action = formAction(login.body(), "kc-form-login");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", username);
        form.put("password", password);
        form.put("credentialId", "");
        Reply page = follow(postForm(action, form));
        assertThat(page.status()).as("back on " + pageUrl + " after the login: " + page).isEqualTo(200);
        return page;
    }

    /**
     * Submits the Switch Role form of the source realm {@code source} ({@code page}, the signed-in page with its
     * csrf) for {@code role} in {@code account}; expects 303 and returns that redirect, which carries the ticket.
     */
    public Reply askForRole(String source, Reply page, String account, String role) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", inputValue(page.body(), "csrf"));
        form.put("account", account);
        form.put("role", role);
        Reply ticket = postForm(stsPage(source, "switch-role"), form);
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(303);
        return ticket;
    }

    /**
     * Switch Role: signs {@code username} in through {@code /realms/{source}/sts/switch-role}, asks for {@code role}
     * in {@code account}, follows the ticket and expects the role console page "{@code role @ account}"; returns it.
     */
    public Reply switchRole(String source, String username, String password, String account, String role) {
        Reply page = signInThrough(stsPage(source, "switch-role"), username, password);
        Reply console = follow(askForRole(source, page, account, role));
        assertThat(console.body()).as(console.toString()).contains(role + " @ " + account);
        return console;
    }

    /**
     * The authorization-code flow of the confidential client {@code clientId} of {@code realm} in this browser, by
     * SSO (expects 302 with a code), then its token request; the token response is returned unchecked.
     */
    public Http.Response codeFlowTokens(String realm, String clientId, String clientSecret, String redirectUri) {
        Reply authorized = get(server.realmUrl(realm) + "/protocol/openid-connect/auth?client_id=" + clientId
                + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8));
        assertThat(authorized.status()).as("SSO into " + clientId + ": " + authorized).isEqualTo(302);
        return redeemCode(realm, clientId, clientSecret, redirectUri, authorized.header("location"));
    }

    /** The token request of {@code clientId} for the code in {@code location}, the redirect back to the client. */
    public Http.Response redeemCode(String realm, String clientId, String clientSecret, String redirectUri, String location) {
        String code = URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri);
        exchange.put("client_id", clientId);
        exchange.put("client_secret", clientSecret);
        return Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", exchange);
    }

    private String stsPage(String realm, String page) {
        return server.realmUrl(realm) + "/sts/" + page;
    }

    public static String formAction(String html, String formId) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(formId) + "\"[^>]*>").matcher(html);
        assertThat(form.find()).as("form #" + formId + " in\n" + html).isTrue();
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        assertThat(action.find()).as("action of form #" + formId).isTrue();
        return unescape(action.group(1));
    }

    /** The value of the first {@code <input name="name" value="...">} in {@code html}. */
    public static String inputValue(String html, String name) {
        Matcher input = Pattern.compile("<input[^>]*name=\"" + Pattern.quote(name) + "\"[^>]*>").matcher(html);
        assertThat(input.find()).as("input " + name + " in\n" + html).isTrue();
        Matcher value = Pattern.compile("value=\"([^\"]*)\"").matcher(input.group());
        assertThat(value.find()).as("value of input " + name).isTrue();
        return unescape(value.group(1));
    }

    static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
    }

    // ---- cookies ----------------------------------------------------------------------------------------------

    public boolean hasCookie(String name) {
        return cookies.values().stream().anyMatch(c -> c.name().equals(name));
    }

    /** Puts a cookie in the jar, as an attacker able to plant one would. */
    public void plant(String name, String value, String path) {
        cookies.put(name + "|" + path, new StoredCookie(name, value, path));
    }

    public void forget(String name) {
        cookies.values().removeIf(c -> c.name().equals(name));
    }

    public void forget(String name, String path) {
        cookies.remove(name + "|" + path);
    }

    public String cookieHeader(String path) {
        return cookies.values().stream()
                .filter(c -> path.startsWith(c.path()) || (path + "/").equals(c.path()))
                .map(c -> c.name() + "=" + c.value())
                .collect(Collectors.joining("; "));
    }

    private void remember(Reply reply, String requestPath) {
        for (String header : reply.setCookies()) {
            String[] parts = header.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = parts[0].substring(0, eq).trim();
            String value = parts[0].substring(eq + 1).trim();
            String path = requestPath.substring(0, Math.max(1, requestPath.lastIndexOf('/')));
            boolean expired = value.isEmpty() || value.equals("\"\"");
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim();
                String lower = attribute.toLowerCase(Locale.ROOT);
                if (lower.startsWith("path=")) {
                    path = attribute.substring(5);
                } else if (lower.equals("max-age=0") || lower.startsWith("max-age=-")
                        || lower.startsWith("expires=thu, 01 jan 1970") || lower.startsWith("expires=thu, 01-jan-1970")) {
                    expired = true;
                }
            }
            String key = name + "|" + path;
            if (expired) {
                cookies.remove(key);
            } else {
                cookies.put(key, new StoredCookie(name, value, path));
            }
        }
    }

    // ---- wire -------------------------------------------------------------------------------------------------

    private Reply exchange(byte[] head, byte[] body) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return parse(all.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("No HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(String.valueOf(headers.getOrDefault("transfer-encoding", List.of("")).get(0)))) {
            body = dechunk(body);
        }
        return new Reply(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        byte[] data = chunked.getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        while (pos < data.length) {
            int lineEnd = indexOf(data, pos);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(data, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = sizeText.isEmpty() ? 0 : Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.append(new String(data, start, Math.min(size, data.length - start), StandardCharsets.UTF_8));
            pos = start + size + 2;
        }
        return out.toString();
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length - 1; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
