package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.CookieBrowser.Reply;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The browser path of Switch Role attacked at the HTTP level: hostile input never makes an sts page
 * answer 5xx (item 9), a Switch Role ticket opens a role session only in the browser that asked for it, and an
 * existing session of the target realm is replaced only on an explicit, CSRF-protected confirmation (item 7).
 * Each browser is a {@link CookieBrowser}: its own cookie jar, requests written byte for byte.
 */
class ConsoleTrustBoundaryIT {

    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";
    static final String BINDING_COOKIE = "STS_SWITCH_BINDING";
    static final String IDENTITY_COOKIE = "KEYCLOAK_IDENTITY";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);

    String sts(String realm, String page) {
        return server.realmUrl(realm) + "/sts/" + page;
    }

    /** A browser in which bob has signed in to company-b and sits on the Switch Role page. */
    CookieBrowser bobOnSwitchRole() {
        CookieBrowser browser = new CookieBrowser(server);
        Reply page = browser.signInThrough(sts("company-b", "switch-role"), "bob", "123456");
        assertThat(page.body()).contains("sts-switch-role-form");
        return browser;
    }

    /** Submits the Switch Role form to company-a's ecs-admin; returns the redirect that carries the ticket. */
    Reply askForTicket(CookieBrowser browser) {
        Reply page = browser.get(sts("company-b", "switch-role"));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", CookieBrowser.inputValue(page.body(), "csrf"));
        form.put("account", "company-a");
        form.put("role", "ecs-admin");
        Reply ticket = browser.postForm(sts("company-b", "switch-role"), form);
        assertThat(ticket.status()).as("a ticket for company-a: " + ticket).isEqualTo(303);
        assertThat(ticket.header("location")).startsWith(sts("company-a", "enter") + "?ticket=");
        return ticket;
    }

    /** The newest LOGIN_ERROR events of company-a's Switch Role redemptions. */
    List<JsonNode> redemptionErrors() {
        JsonNode events = Http.get(server.adminUrl("company-a") + "/events?type=LOGIN_ERROR&client=sts-console&max=20",
                admin.token()).json();
        List<JsonNode> list = new ArrayList<>();
        events.forEach(list::add);
        return list;
    }

    static boolean isFor(JsonNode event, String reasonFragment) {
        return event.at("/details/reason").asText("").contains(reasonFragment)
                && event.at("/details/auth_method").asText("").equals("sts-switch-role");
    }

    // ---- the ticket belongs to the browser that asked ---------------------------------------------

    @Nested
    class SwitchRoleTickets {

        @Test
        void aTicketHandedToAVictimsBrowserOpensNoSessionThereAndIsRecorded() {
            CookieBrowser attacker = bobOnSwitchRole();
            String ticketUrl = attacker.absolute(askForTicket(attacker).header("location"));
            assertThat(attacker.hasCookie(BINDING_COOKIE)).as("the asking browser holds the binding cookie").isTrue();

            // The victim's browser (its own cookie jar) is lured to the attacker's ticket URL.
            CookieBrowser victim = new CookieBrowser(server);
            Reply redeemed = victim.get(ticketUrl);

            assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(400);
            assertThat(redeemed.body()).as("the themed error page").contains("id=\"sts-message\"");
            assertThat(redeemed.settingCookie(IDENTITY_COOKIE)).as("no SSO cookie for the attacker's role session").isNull();
            assertThat(redeemed.settingCookie("KEYCLOAK_SESSION")).isNull();
            assertThat(victim.hasCookie(IDENTITY_COOKIE)).isFalse();
            Reply console = victim.get(sts("company-a", "console"));
            assertThat(console.body()).as("no role session in the victim's browser").doesNotContain("id=\"sts-acting\"");

            assertThat(redemptionErrors()).as("LOGIN_ERROR in company-a").anySatisfy(event -> {
                assertThat(isFor(event, "other than the one it was issued to")).isTrue();
                assertThat(event.at("/details/role_arn").asText()).isEqualTo(ECS_ADMIN);
                assertThat(event.path("error").asText()).isEqualTo("invalid_code");
            });

            // The ticket was tried once: it is burnt, even for the browser that asked.
            Reply late = attacker.get(ticketUrl);
            assertThat(late.status()).as(late.toString()).isEqualTo(400);
            assertThat(late.settingCookie(IDENTITY_COOKIE)).isNull();
        }

        @Test
        void aForgedBindingCookieDoesNotMakeAStolenTicketWork() {
            CookieBrowser attacker = bobOnSwitchRole();
            String ticketUrl = attacker.absolute(askForTicket(attacker).header("location"));

            CookieBrowser victim = new CookieBrowser(server);
            // The attacker cannot read the HttpOnly secret; a planted value of the right shape does not match.
            victim.plant(BINDING_COOKIE, "A".repeat(43), "/realms/company-a/sts/");
            Reply redeemed = victim.get(ticketUrl);

            assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(400);
            assertThat(redeemed.settingCookie(IDENTITY_COOKIE)).isNull();
            assertThat(redemptionErrors()).anySatisfy(e -> assertThat(isFor(e, "other than the one it was issued to")).isTrue());
        }

        @Test
        void theBrowserThatAskedRedeemsItsTicketThroughAnHttpOnlySameSiteCookieOfTheTargetRealm() {
            CookieBrowser bob = bobOnSwitchRole();
            Reply ticket = askForTicket(bob);
            String binding = ticket.settingCookie(BINDING_COOKIE);
            assertThat(binding).as("binding cookie set with the ticket: " + ticket.setCookies()).isNotNull();
            assertThat(binding).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                    .contains("Path=/realms/company-a/sts/");

            Reply entered = bob.get(bob.absolute(ticket.header("location")));

            assertThat(entered.status()).as(entered.toString()).isEqualTo(303);
            assertThat(entered.header("location")).isEqualTo(sts("company-a", "console"));
            assertThat(entered.settingCookie(IDENTITY_COOKIE)).as("the role session's SSO cookie").isNotNull();
            assertThat(bob.hasCookie(BINDING_COOKIE)).as("the binding cookie is spent").isFalse();
            Reply console = bob.follow(entered);
            assertThat(console.body()).contains("ecs-admin @ company-a (11223344)");
        }

        @Test
        void switchingAgainFromTheSameRoleSessionNeedsNoConfirmation() {
            CookieBrowser bob = bobOnSwitchRole();
            assertThat(bob.get(bob.absolute(askForTicket(bob).header("location"))).status()).isEqualTo(303);

            Reply again = bob.get(bob.absolute(askForTicket(bob).header("location")));

            assertThat(again.status()).as(again.toString()).isEqualTo(303);
            assertThat(again.header("location")).isEqualTo(sts("company-a", "console"));
            assertThat(bob.follow(again).body()).contains("ecs-admin @ company-a (11223344)");
        }
    }

    // ---- an existing session of the target realm is not replaced silently ----------------------

    @Nested
    class ExistingSessions {

        static final String CAROL = "it-trust-carol";

        @Test
        void anotherIdentitysSessionIsReplacedOnlyOnAnExplicitConfirmation() {
            String carolId = admin.createUser("company-a", CAROL, "carol-pass-1", null, List.of());
            try {
                // One browser: carol is signed in to company-a; bob then signs in to company-b in the same browser.
                CookieBrowser browser = new CookieBrowser(server);
                Reply carolPage = browser.signInThrough(sts("company-a", "switch-role"), CAROL, "carol-pass-1");
                assertThat(carolPage.body()).contains(CAROL);
                browser.get(sts("company-a", "console") + "?kc_locale=zh-CN"); // company-a's pages in Chinese from now on
                browser.signInThrough(sts("company-b", "switch-role"), "bob", "123456");

                // 1. The ticket does not replace carol's session: a confirmation page instead, in Chinese.
                Reply asked = browser.get(browser.absolute(askForTicket(browser).header("location")));
                assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
                assertThat(asked.body()).contains("sts-switch-confirm-form").contains(CAROL).contains("替换当前会话");
                assertThat(asked.settingCookie(IDENTITY_COOKIE)).as("no new SSO cookie before the confirmation").isNull();
                assertThat(sessionsOf(carolId)).as("carol's session untouched").isEqualTo(1);
                assertThat(browser.get(sts("company-a", "switch-role")).body()).as("still carol in company-a").contains(CAROL);

                // 2. Cancel keeps carol's session and goes back to company-b.
                Reply cancelled = confirm(browser, asked, "cancel", null);
                assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(303);
                assertThat(cancelled.header("location")).isEqualTo(sts("company-b", "switch-role"));
                assertThat(cancelled.settingCookie(IDENTITY_COOKIE)).isNull();
                assertThat(sessionsOf(carolId)).isEqualTo(1);

                // 3. The confirmation cannot be sent from another browser (cross-site: no binding cookie), nor replayed.
                Reply asked2 = browser.get(browser.absolute(askForTicket(browser).header("location")));
                CookieBrowser elsewhere = new CookieBrowser(server);
                Reply forged = confirm(elsewhere, asked2, "replace", null);
                assertThat(forged.status()).as(forged.toString()).isEqualTo(400);
                assertThat(forged.settingCookie(IDENTITY_COOKIE)).isNull();
                assertThat(confirm(browser, asked2, "replace", null).status()).as("the confirmation is single use").isEqualTo(400);
                assertThat(sessionsOf(carolId)).isEqualTo(1);
                assertThat(redemptionErrors()).anySatisfy(e -> assertThat(isFor(e, "confirmation sent by a browser other")).isTrue());

                // 4. A wrong CSRF token is refused.
                Reply asked3 = browser.get(browser.absolute(askForTicket(browser).header("location")));
                Reply wrongCsrf = confirm(browser, asked3, "replace", "A".repeat(43));
                assertThat(wrongCsrf.status()).as(wrongCsrf.toString()).isEqualTo(400);
                assertThat(wrongCsrf.settingCookie(IDENTITY_COOKIE)).isNull();
                assertThat(sessionsOf(carolId)).isEqualTo(1);
                assertThat(redemptionErrors()).anySatisfy(e -> assertThat(isFor(e, "CSRF")).isTrue());

                // 5. The explicit confirmation replaces carol's session with bob's role session.
                Reply asked4 = browser.get(browser.absolute(askForTicket(browser).header("location")));
                Reply replaced = confirm(browser, asked4, "replace", null);
                assertThat(replaced.status()).as(replaced.toString()).isEqualTo(303);
                assertThat(replaced.header("location")).isEqualTo(sts("company-a", "console"));
                assertThat(replaced.settingCookie(IDENTITY_COOKIE)).isNotNull();
                assertThat(browser.follow(replaced).body()).contains("ecs-admin @ company-a (11223344)");
                assertThat(sessionsOf(carolId)).as("carol's session ended").isZero();
            } finally {
                Http.delete(server.adminUrl("company-a") + "/users/" + carolId, admin.token());
            }
        }

        Reply confirm(CookieBrowser browser, Reply confirmationPage, String action, String csrf) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("pending", CookieBrowser.inputValue(confirmationPage.body(), "pending"));
            form.put("csrf", csrf != null ? csrf : CookieBrowser.inputValue(confirmationPage.body(), "csrf"));
            form.put("action", action);
            return browser.postForm(CookieBrowser.formAction(confirmationPage.body(), "sts-switch-confirm-form"), form);
        }

        int sessionsOf(String userId) {
            return Http.get(server.adminUrl("company-a") + "/users/" + userId + "/sessions", admin.token()).json().size();
        }
    }

    // ---- no 5xx from input ------------------------------------------------------------------------

    @Nested
    class NoServerErrorFromInput {

        static final String HUGE = "a".repeat(100_000);
        static final String LONG = "b".repeat(3_000);

        /** Query strings, written raw on the request line (braces, invalid escapes and NUL included). */
        static final List<String> QUERIES = List.of(
                "", "?kc_locale={x}", "?kc_locale=%7Bx%7D", "?kc_locale=%zz", "?kc_locale=%", "?kc_locale=%00", "?kc_locale=",
                "?kc_locale=en&kc_locale=zh-CN", "?kc_locale=" + LONG, "?kc_locale=" + HUGE, "?kc_locale=zh-CN%00{x}",
                "?ticket={x}", "?ticket=%7B%7D", "?ticket=%zz", "?ticket=%00", "?ticket=", "?ticket=a&ticket=b",
                "?ticket=" + "A".repeat(43), "?ticket=" + LONG, "?{x}", "?=&=&", "?%zz=%zz", "?ui_locales={x}&login_hint={x}");

        /** Form bodies for the POST pages. */
        static final List<String> BODIES = List.of(
                "", "csrf={x}&account={x}&role={x}", "csrf=%7Bx%7D&account=%7B%7D&role=%7B0%7D", "csrf=%zz&account=%zz&role=%zz",
                "account=%00&role=%00&csrf=%00&pending=%00&action=%00", "account=&role=&csrf=&pending=&action=&alias=&username=",
                "account=a&account=b&role=r&role=s&csrf=x&csrf=y&pending=p&pending=q&action=replace&action=cancel",
                "account=" + HUGE + "&role=" + HUGE + "&displayName=" + HUGE + "&color=" + HUGE,
                "pending=" + "A".repeat(43) + "&csrf=" + "A".repeat(43) + "&action=replace",
                "pending=" + HUGE + "&csrf=" + HUGE + "&action=" + HUGE,
                "alias={x}&username={x}@{y}", "username=" + HUGE + "@company-a", "alias=company-a&username={x}%25{y}",
                "alias=" + HUGE, "%zz", "=", "&&&", "%");

        static final List<String> GET_PAGES = List.of("switch-role", "enter", "console", "signin", "account");
        static final List<String> POST_PAGES = List.of("switch-role", "enter", "back", "signin");

        @Test
        void theReportedKcLocaleInBracesAnswersTheSwitchRolePage() {
            // As a browser sends it (braces percent-encoded): the login redirect, then the page itself.
            CookieBrowser anonymous = new CookieBrowser(server);
            Reply toLogin = anonymous.raw("GET", "/realms/company-b/sts/switch-role?kc_locale=%7Bx%7D", null, null);
            assertThat(toLogin.status()).as(toLogin.toString()).isEqualTo(303);
            assertThat(toLogin.header("location")).doesNotContain("ui_locales");
            CookieBrowser bob = bobOnSwitchRole();
            Reply page = bob.raw("GET", "/realms/company-b/sts/switch-role?kc_locale=%7Bx%7D", null, null);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.body()).contains("sts-switch-role-form");

            // Raw braces on the request line: refused by the HTTP layer, still a 4xx.
            Reply raw = anonymous.raw("GET", "/realms/company-b/sts/switch-role?kc_locale={x}", null, null);
            assertThat(raw.status()).as(raw.toString()).isBetween(200, 499);
        }

        /** Every event of {@code realm} newer than {@code since} (ms), as JSON text. */
        List<JsonNode> eventsSince(String realm, long since) {
            List<JsonNode> newer = new ArrayList<>();
            for (JsonNode event : Http.get(server.adminUrl(realm) + "/events?max=200", admin.token()).json()) {
                if (event.get("time").asLong() >= since) {
                    newer.add(event);
                }
            }
            return newer;
        }

        /**
         * A control character in any Switch Role input (account, role name, display name, colour, any other
         * parameter) is refused with a clear page error before anything is looked up or audited: no event of either
         * realm carries it (before, "company-a\u001b[31m" went into both realms' TOKEN_EXCHANGE_ERROR reasons).
         */
        @Test
        void controlCharactersNeverReachEitherRealmsEvents() {
            CookieBrowser bob = bobOnSwitchRole();
            long since = System.currentTimeMillis() - 1000;
            List<String> hostile = List.of("\u0000", "\u001b[31m", "\u0007", "\r\n", "\u007f", "\u0085");
            for (String field : List.of("account", "role", "displayName", "color", "extra")) {
                for (String control : hostile) {
                    Reply page = bob.get(sts("company-b", "switch-role"));
                    Map<String, String> form = new LinkedHashMap<>();
                    form.put("csrf", CookieBrowser.inputValue(page.body(), "csrf"));
                    form.put("account", "company-a");
                    form.put("role", "ecs-admin");
                    form.put("displayName", "ops");
                    form.put("color", "blue");
                    form.put(field, form.getOrDefault(field, "x") + control + "CTRLMARK");
                    Reply refused = bob.postForm(sts("company-b", "switch-role"), form);
                    assertThat(refused.status()).as(field + " with U+%04X: %s", (int) control.charAt(0), refused).isEqualTo(400);
                    assertThat(refused.body()).as(field).contains("control characters").contains("sts-switch-role-form");
                    assertThat(refused.header("location")).as("no ticket").isNull();
                }
            }
            for (String realm : List.of("company-b", "company-a")) {
                List<JsonNode> events = eventsSince(realm, since);
                assertThat(events).as(realm + "'s events since the attack").noneMatch(e -> e.toString().contains("CTRLMARK"));
                assertThat(events).as(realm + ": nothing audited for a refused input")
                        .noneMatch(e -> e.get("type").asText().startsWith("TOKEN_EXCHANGE"));
            }
            // Nothing else changed: the same browser still switches.
            assertThat(askForTicket(bob).status()).isEqualTo(303);
        }

        @Test
        void noInputMakesAnyStsPageAnswer5xx() {
            CookieBrowser anonymous = new CookieBrowser(server);
            CookieBrowser bob = bobOnSwitchRole();
            Reply entered = bob.get(bob.absolute(askForTicket(bob).header("location")));
            assertThat(entered.status()).as("bob holds a role session in company-a too").isEqualTo(303);

            List<String> failures = new ArrayList<>();
            int requests = 0;
            for (String realm : List.of("company-b", "company-a", "master")) {
                requests += attack(anonymous, "/realms/" + realm + "/sts/", failures);
            }
            for (String realm : List.of("company-b", "company-a")) { // bob's session in each
                requests += attack(bob, "/realms/" + realm + "/sts/", failures);
            }
            assertThat(failures).as(failures.size() + " of " + requests + " requests answered 5xx").isEmpty();
            assertThat(bob.get(sts("company-a", "console")).body()).as("bob's role session survived the barrage")
                    .contains("ecs-admin @ company-a (11223344)");
        }

        @Test
        void aRealmWhoseHmacKeyIsDisabledStillAnswersWithout5xx() {
            String realm = "it-trust-nohmac";
            admin.createSourceAccount(realm, null, "dave", "dave-pass-1", List.of("acs:ram::11223344:role/ecs-admin"));
            try {
                Http.Response account = Http.sendJson("PUT", server.adminUrl(realm) + "/sts/account", Map.of("accountId", "60606060"),
                        admin.token()); // as the master admin: makes the realm an account, with its sts-console client
                assertThat(account.status()).as(account.toString()).isEqualTo(200);
                CookieBrowser dave = new CookieBrowser(server);
                dave.signInThrough(sts(realm, "switch-role"), "dave", "dave-pass-1");
                JsonNode keys = Http.get(server.adminUrl(realm) + "/components?type=org.keycloak.keys.KeyProvider", admin.token()).json();
                int disabled = 0;
                for (JsonNode key : keys) {
                    if (key.path("providerId").asText().startsWith("hmac-generated")) {
                        Map<String, Object> rep = Http.JSON.convertValue(key, Map.class);
                        @SuppressWarnings("unchecked")
                        Map<String, Object> config = (Map<String, Object>) rep.get("config");
                        config.put("enabled", List.of("false"));
                        config.put("active", List.of("false"));
                        Http.Response put = Http.sendJson("PUT", server.adminUrl(realm) + "/components/" + key.get("id").asText(), rep, admin.token());
                        assertThat(put.status()).as(put.toString()).isEqualTo(204);
                        disabled++;
                    }
                }
                assertThat(disabled).as("HMAC key providers of " + realm).isPositive();

                List<String> failures = new ArrayList<>();
                int requests = attack(dave, "/realms/" + realm + "/sts/", failures);
                requests += attack(new CookieBrowser(server), "/realms/" + realm + "/sts/", failures);
                assertThat(failures).as(failures.size() + " of " + requests + " requests answered 5xx").isEmpty();
                Reply page = new CookieBrowser(server).follow(new CookieBrowser(server).get(sts(realm, "switch-role")));
                assertThat(page.status()).as("the login page still comes: " + page).isLessThan(500);
            } finally {
                admin.deleteRealmIfExists(realm);
            }
        }

        /** Sends every page × query × body × method combination under {@code base}; collects each 5xx. */
        int attack(CookieBrowser browser, String base, List<String> failures) {
            int count = 0;
            for (String page : GET_PAGES) {
                for (String query : QUERIES) {
                    count += check(browser, "GET", base + page + query, null, null, failures);
                }
            }
            for (String page : POST_PAGES) {
                for (String query : List.of("", "?kc_locale=%7Bx%7D&ticket=%zz")) {
                    for (String body : BODIES) {
                        count += check(browser, "POST", base + page + query, "application/x-www-form-urlencoded", body, failures);
                    }
                }
                count += check(browser, "POST", base + page, "text/plain", "{x}", failures);
                count += check(browser, "POST", base + page, "application/json", "{\"account\":\"{x}\"}", failures);
                count += check(browser, "POST", base + page, "application/x-www-form-urlencoded; charset=nope", "account=x", failures);
                count += check(browser, "POST", base + page, null, "account=x", failures);
                count += check(browser, "POST", base + page, "multipart/form-data; boundary=zz", "--zz\r\n", failures);
            }
            for (String page : List.of("switch-role", "enter", "console", "back", "signin", "account")) {
                for (String method : List.of("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
                    count += check(browser, method, base + page, null, null, failures);
                }
            }
            count += check(browser, "GET", base + "back", null, null, failures);
            count += check(browser, "POST", base + "console", "application/x-www-form-urlencoded", "", failures);
            for (String unknown : List.of("nope", "switch-role/x", "", "%zz", "{x}", "%00", "..%2F..%2Fadmin")) {
                count += check(browser, "GET", base + unknown, null, null, failures);
            }
            return count;
        }

        int check(CookieBrowser browser, String method, String target, String contentType, String body, List<String> failures) {
            Reply reply = browser.raw(method, target, contentType, body);
            if (reply.status() >= 500) {
                String shown = target.length() > 120 ? target.substring(0, 120) + "…" : target;
                String shownBody = body == null ? "" : body.length() > 80 ? body.substring(0, 80) + "…" : body;
                failures.add(method + " " + shown + " [" + contentType + "] " + shownBody + " -> " + reply.status());
            }
            return 1;
        }
    }

    // ---- a role session respects each app's scope -------------------------------------------------

    @Nested
    class AppScopes {

        static final String SOURCE = "it-scope-source";
        static final String TARGET = "it-scope-target";
        static final String SOURCE_ID = "40404040";
        static final String TARGET_ID = "50505050";

        /**
         * Target account {@value #TARGET} with role {@code ops} whose two attached policies are the realm role
         * {@code ReadOnly} and the client role {@code orders-api/write}. Apps: {@code wide-app} (full scope),
         * {@code narrow-app} (full scope off, scope mapping for ReadOnly only, an Audience mapper for a custom
         * audience), {@code scoped-app} (full scope off, orders-api/write reachable only through a client scope).
         */
        void createAccounts() {
            String token = admin.token();
            admin.createAccountRealm(TARGET, null);
            makeAccount(TARGET, TARGET_ID);
            admin.createSourceAccount(SOURCE, null, "erin", "erin-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/ops"));
            makeAccount(SOURCE, SOURCE_ID);
            admin.createRealmRole(TARGET, "ReadOnly");
            admin.createClientWithRole(TARGET, "orders-api", "write");
            String redirect = sts(TARGET, "console");
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "wide-app", "secret", "wide-secret",
                    "publicClient", false, "redirectUris", List.of(redirect)), token));
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "narrow-app", "secret", "narrow-secret",
                    "publicClient", false, "fullScopeAllowed", false, "redirectUris", List.of(redirect),
                    "protocolMappers", List.of(Map.of("name", "custom audience", "protocol", "openid-connect",
                            "protocolMapper", "oidc-audience-mapper",
                            "config", Map.of("included.custom.audience", "https://narrow.example", "access.token.claim", "true")))), token));
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "scoped-app", "secret", "scoped-secret",
                    "publicClient", false, "fullScopeAllowed", false, "redirectUris", List.of(redirect)), token));
            JsonNode readOnly = Http.get(server.adminUrl(TARGET) + "/roles/ReadOnly", token).json();
            String narrow = admin.clientUuid(TARGET, "narrow-app");
            assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + narrow + "/scope-mappings/realm", List.of(readOnly), token)
                    .status()).isEqualTo(204);
            Http.Response scope = Http.sendJson("POST", server.adminUrl(TARGET) + "/client-scopes",
                    Map.of("name", "orders-write", "protocol", "openid-connect"), token);
            created(scope);
            String scopeId = scope.header("Location").substring(scope.header("Location").lastIndexOf('/') + 1);
            String orders = admin.clientUuid(TARGET, "orders-api");
            JsonNode write = Http.get(server.adminUrl(TARGET) + "/clients/" + orders + "/roles/write", token).json();
            assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/client-scopes/" + scopeId + "/scope-mappings/clients/" + orders,
                    List.of(write), token).status()).isEqualTo(204);
            String scoped = admin.clientUuid(TARGET, "scoped-app");
            assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + scoped + "/default-client-scopes/" + scopeId, Map.of(), token)
                    .status()).isEqualTo(204);
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", "{\"roleName\":\"ops\",\"trustPolicy\":{\"Version\":\"1\","
                    + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::" + SOURCE_ID
                    + ":root\"]}}]}}", token));
            assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies", Map.of("policyName", "ReadOnly"), token)
                    .status()).isBetween(200, 204);
            assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies",
                    Map.of("policyName", "write", "clientId", "orders-api"), token).status()).isBetween(200, 204);
        }

        void makeAccount(String realm, String accountId) {
            Http.Response put = admin.giveAccountId(realm, accountId); // two tests re-create these accounts
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
        }

        void created(Http.Response response) {
            assertThat(response.status()).as(response.toString()).isEqualTo(201);
        }

        /** erin's browser in a role session of ops in the target account. */
        CookieBrowser erinAsOps() {
            CookieBrowser browser = new CookieBrowser(server);
            browser.switchRole(SOURCE, "erin", "erin-pass-1", TARGET, "ops");
            return browser;
        }

        /** Submits the source's Switch Role form ({@code page}) for ops; returns the redirect with the ticket. */
        Reply askForOps(CookieBrowser browser, Reply page) {
            return browser.askForRole(SOURCE, page, TARGET, "ops");
        }

        @Test
        void anotherPersonsRoleSessionInTheSameBrowserIsNotReplacedSilently() {
            try {
                createAccounts();
                admin.createUserWithRealmRole(SOURCE, "frank", "frank-pass-1", "assumer");
                CookieBrowser browser = erinAsOps();
                browser.forget("KEYCLOAK_IDENTITY", "/realms/" + SOURCE + "/"); // erin leaves the source account's session
                Reply frankPage = browser.signInThrough(sts(SOURCE, "switch-role"), "frank", "frank-pass-1");

                Reply asked = browser.follow(askForOps(browser, frankPage));

                assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
                assertThat(asked.body()).contains("sts-switch-confirm-form").contains("erin @ " + SOURCE).contains("frank @ " + SOURCE);
                assertThat(browser.get(sts(TARGET, "console")).body()).as("still erin's role session")
                        .contains("erin @ " + SOURCE).doesNotContain("frank @ " + SOURCE);
            } finally {
                admin.deleteRealmIfExists(SOURCE);
                admin.deleteRealmIfExists(TARGET);
            }
        }

        /** The access token {@code clientId} gets for the browser's role session (SSO, authorization code). */
        JsonNode accessTokenOf(CookieBrowser browser, String clientId, String secret) {
            String redirect = sts(TARGET, "console");
            Reply authorized = browser.get(server.realmUrl(TARGET) + "/protocol/openid-connect/auth?client_id=" + clientId
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
            assertThat(authorized.status()).as("SSO into " + clientId + ": " + authorized).isEqualTo(302);
            String location = authorized.header("location");
            assertThat(location).as(location).startsWith(redirect).contains("code=");
            String code = URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", code);
            form.put("redirect_uri", redirect);
            form.put("client_id", clientId);
            form.put("client_secret", secret);
            Http.Response tokens = Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", form);
            return Http.claims(tokens.accessToken());
        }

        List<String> texts(JsonNode array) {
            List<String> values = new ArrayList<>();
            array.forEach(v -> values.add(v.asText()));
            return values;
        }

        List<String> audience(JsonNode claims) {
            JsonNode aud = claims.path("aud");
            return aud.isMissingNode() || aud.isNull() ? List.of() : aud.isArray() ? texts(aud) : List.of(aud.asText());
        }

        @Test
        void eachAppSeesTheAttachedPoliciesThroughItsOwnScopeAndKeycloaksAudienceRules() {
            try {
                createAccounts();
                CookieBrowser erin = erinAsOps();

                JsonNode wide = accessTokenOf(erin, "wide-app", "wide-secret");
                assertThat(wide.path("role_arn").asText()).isEqualTo("acs:ram::" + TARGET_ID + ":role/ops");
                assertThat(texts(wide.at("/realm_access/roles"))).as(wide.toString()).containsExactly("ReadOnly");
                assertThat(texts(wide.at("/resource_access/orders-api/roles"))).as(wide.toString()).containsExactly("write");
                assertThat(audience(wide)).as("audience resolved from the policies' clients").containsExactly("orders-api");

                // Full scope off, scope mapping for ReadOnly only: the app never sees orders-api/write, nor that audience.
                JsonNode narrow = accessTokenOf(erin, "narrow-app", "narrow-secret");
                assertThat(narrow.path("role_arn").asText()).isEqualTo("acs:ram::" + TARGET_ID + ":role/ops");
                assertThat(texts(narrow.at("/realm_access/roles"))).as(narrow.toString()).containsExactly("ReadOnly");
                assertThat(narrow.path("resource_access").isMissingNode() || narrow.path("resource_access").isEmpty())
                        .as("no orders-api role outside narrow-app's scope: " + narrow).isTrue();
                assertThat(audience(narrow)).as("its own Audience mapper kept, nothing rewritten in: " + narrow)
                        .containsExactly("https://narrow.example");

                // Full scope off, orders-api/write in scope through a default client scope only.
                JsonNode scoped = accessTokenOf(erin, "scoped-app", "scoped-secret");
                assertThat(scoped.path("realm_access").isMissingNode() || texts(scoped.at("/realm_access/roles")).isEmpty())
                        .as("ReadOnly is not in scoped-app's scope: " + scoped).isTrue();
                assertThat(texts(scoped.at("/resource_access/orders-api/roles"))).as(scoped.toString()).containsExactly("write");
                assertThat(audience(scoped)).containsExactly("orders-api");
            } finally {
                admin.deleteRealmIfExists(SOURCE);
                admin.deleteRealmIfExists(TARGET);
            }
        }
    }
}
