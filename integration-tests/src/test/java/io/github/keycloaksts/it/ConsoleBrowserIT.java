package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Browser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real headless Chromium (Debian's chromium + chromium-driver): Bob of company-b signs in, switches
 * to company-a's ecs-admin on the Switch Role page, lands on company-a's role-session console, is signed in to
 * company-a's OIDC apps without a password prompt, and goes back. Each test has a browser of its own (fresh
 * cookies). Screenshots of each page go to target/screenshots (docs/img with -Dsts.update.screenshots=true).
 */
class ConsoleBrowserIT {

    static final String ACTING = "ecs-admin @ company-a (11223344)";
    static final String VIA = "bob @ company-b";
    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";
    static final String SEED_TRUST = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::12345678:root"]}}]}""";
    static final String TRUST_OTHER_ONLY = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::87654321:root"]}}]}""";

    static final By USERNAME = By.id("username");
    static final By PASSWORD = By.id("password");
    static final By LOGIN = By.id("kc-login");
    static final By FORM = By.id("sts-switch-role-form");
    static final By ACCOUNT = By.cssSelector("#sts-switch-role-form [name=account]");
    static final By ROLE = By.cssSelector("#sts-switch-role-form [name=role]");
    static final By DISPLAY_NAME = By.cssSelector("#sts-switch-role-form [name=displayName]");
    static final By COLOR = By.cssSelector("#sts-switch-role-form [name=color]");
    static final By CSRF = By.cssSelector("#sts-switch-role-form [name=csrf]");
    static final By SUBMIT = By.id("sts-switch-role-submit");
    static final By ERROR = By.id("sts-error");
    static final By RECENT = By.id("sts-recent-roles");
    static final By ACTING_AS = By.id("sts-acting");
    static final By VIA_USER = By.id("sts-via");
    static final By POLICIES = By.id("sts-policies");
    static final By TIME_LEFT = By.id("sts-time-left");
    static final By BACK = By.id("sts-back");

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final List<Browser> browsers = new ArrayList<>();

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled(); // fails, never skips
    }

    @AfterEach
    void quitBrowsers() {
        for (Browser browser : browsers) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                System.err.println("Could not quit a browser: " + e);
            }
        }
        browsers.clear();
    }

    Browser browser() {
        return register(Browser.open());
    }

    Browser register(Browser browser) {
        browsers.add(browser);
        return browser;
    }

    // ---- URLs -------------------------------------------------------------------------------------------------

    String switchRoleUrl(String realm) {
        return server.realmUrl(realm) + "/sts/switch-role";
    }

    String consoleUrl(String realm) {
        return server.realmUrl(realm) + "/sts/console";
    }

    /** company-a's confidential OIDC app, redirecting back to company-a's console page. */
    String ecsConsoleAuthUrl() {
        return server.realmUrl("company-a") + "/protocol/openid-connect/auth?client_id=ecs-console&response_type=code"
                + "&scope=openid&redirect_uri=" + URLEncoder.encode(consoleUrl("company-a"), StandardCharsets.UTF_8);
    }

    // ---- steps ------------------------------------------------------------------------------------------------

    /** Keycloak's login form of {@code realm}: fills it in and submits (optionally taking the sign-in screenshot). */
    void logIn(Browser browser, String realm, String username, String password, String screenshot) {
        browser.waitFor(USERNAME);
        assertThat(browser.url()).as("the login page belongs to " + realm).startsWith(server.realmUrl(realm) + "/");
        assertThat(browser.present(PASSWORD)).isTrue();
        browser.type(USERNAME, username);
        browser.type(PASSWORD, password);
        if (screenshot != null) {
            browser.screenshot(screenshot);
        }
        browser.find(LOGIN).click();
    }

    /** Anonymous visit of the Switch Role page: through the source realm's login and back. */
    void signInToSwitchRole(Browser browser, String realm, String username, String password, String loginScreenshot) {
        browser.get(switchRoleUrl(realm));
        logIn(browser, realm, username, password, loginScreenshot);
        browser.waitFor(FORM);
        assertOnSwitchRolePage(browser, realm);
    }

    void signInBob(Browser browser) {
        signInToSwitchRole(browser, "company-b", "bob", "123456", null);
    }

    void assertOnSwitchRolePage(Browser browser, String realm) {
        assertThat(browser.url()).as("on the Switch Role page\n" + browser.describe()).startsWith(switchRoleUrl(realm));
        assertThat(browser.visible(FORM)).isTrue();
    }

    void fillSwitchRole(Browser browser, String account, String role) {
        browser.type(ACCOUNT, account);
        browser.type(ROLE, role);
    }

    /** Submits the Switch Role form and waits for the next page: the target's console or the form with an error. */
    void submitSwitchRole(Browser browser) {
        WebElement form = browser.find(FORM);
        browser.find(SUBMIT).click();
        awaitNextPage(browser, form);
    }

    void awaitNextPage(Browser browser, WebElement previous) {
        browser.until(ExpectedConditions.stalenessOf(previous), "the next page after submitting");
        browser.until(d -> browser.js("return document.readyState").equals("complete")
                && (browser.present(FORM) || browser.present(ACTING_AS) || browser.present(ERROR)
                    || !browser.url().contains("/sts/switch-role")), "the page after the Switch Role form");
    }

    void switchRole(Browser browser, String account, String role) {
        fillSwitchRole(browser, account, role);
        submitSwitchRole(browser);
    }

    /** Asserts the browser is on company-a's role-session console acting as ecs-admin via bob. */
    void assertOnEcsAdminConsole(Browser browser) {
        browser.until(d -> browser.url().startsWith(consoleUrl("company-a")) && browser.present(ACTING_AS),
                "company-a's console at " + consoleUrl("company-a"));
        assertThat(browser.find(ACTING_AS).getText()).contains(ACTING);
        assertThat(browser.find(VIA_USER).getText()).contains(VIA);
        assertThat(browser.find(POLICIES).getText()).contains("AliyunECSFullAccess");
        assertThat(browser.visible(TIME_LEFT)).as("time left shown").isTrue();
        assertThat(browser.find(TIME_LEFT).getText()).as("time left").containsPattern("\\d");
        assertThat(browser.visible(BACK)).as("back button shown").isTrue();
    }

    /** The refusal shown, without the request ID that differs on every answer (each answer must carry one). */
    String errorText(Browser browser) {
        browser.waitFor(ERROR);
        String text = browser.find(ERROR).getText().trim();
        assertThat(text).as("a refusal quotes its request ID").containsPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        return text.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<request ID>");
    }

    /**
     * Opens ecs-console's authorization URL: returns the authorization code when company-a signs the browser in
     * without a prompt, or null when it shows its login form.
     */
    String authorizeEcsConsole(Browser browser) {
        browser.get(ecsConsoleAuthUrl());
        browser.until(d -> code(browser.url()) != null || browser.present(USERNAME),
                "a code at " + consoleUrl("company-a") + " or company-a's login form");
        String code = code(browser.url());
        if (code != null) {
            assertThat(browser.present(USERNAME)).as("no login form on the way").isFalse();
        } else {
            assertThat(browser.url()).as("company-a's own login").startsWith(server.realmUrl("company-a") + "/");
        }
        return code;
    }

    String code(String url) {
        if (!url.startsWith(consoleUrl("company-a"))) {
            return null;
        }
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("code")) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    Http.Response exchangeCode(String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", consoleUrl("company-a"));
        form.put("client_id", "ecs-console");
        form.put("client_secret", "ecs-console-secret");
        return Http.postForm(server.realmUrl("company-a") + "/protocol/openid-connect/token", form);
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    // ---- tests ------------------------------------------------------------------------------------------------

    @Test
    void bobSignsInSwitchesToEcsAdminAndCompanyAsAppSignsHimInAsTheRoleSession() {
        Browser browser = browser();
        browser.get(switchRoleUrl("company-b"));
        logIn(browser, "company-b", "bob", "123456", "console-signin");
        browser.waitFor(FORM);
        assertOnSwitchRolePage(browser, "company-b");
        assertThat(browser.present(CSRF)).as("hidden csrf input").isTrue();
        assertThat(browser.find(CSRF).getAttribute("type")).isEqualTo("hidden");
        assertThat(browser.find(CSRF).getAttribute("value")).isNotBlank();
        assertThat(browser.visible(DISPLAY_NAME)).as("display name input").isTrue();
        assertThat(browser.visible(COLOR)).as("colour input").isTrue();

        fillSwitchRole(browser, "company-a", "ecs-admin");
        browser.screenshot("console-switch-role");
        submitSwitchRole(browser);

        assertOnEcsAdminConsole(browser);
        browser.screenshot("console-role-session");

        String code = authorizeEcsConsole(browser);
        assertThat(code).as("company-a's ecs-console signs Bob in without a password prompt\n" + browser.describe()).isNotNull();
        Http.Response tokens = exchangeCode(code);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        JsonNode claims = Http.claims(tokens.accessToken());
        assertThat(claims.get("iss").asText()).isEqualTo(server.realmUrl("company-a"));
        assertThat(claims.get("azp").asText()).isEqualTo("ecs-console");
        assertThat(claims.path("role_arn").asText()).as(claims.toString()).isEqualTo(ECS_ADMIN);
        assertThat(claims.path("role_session_name").asText()).as(claims.toString()).isEqualTo("bob");
        assertThat(claims.path("source_identity").asText()).as(claims.toString()).isEqualTo("acs:ram::12345678:user/bob");
        assertThat(claims.at("/act/iss").asText()).as(claims.toString()).isEqualTo(server.realmUrl("company-b"));
        assertThat(texts(claims.at("/realm_access/roles"))).as(claims.toString()).containsExactly("AliyunECSFullAccess");
        assertThat(claims.path("resource_access").isEmpty()).as("attached policies only: " + claims).isTrue();
    }

    @Test
    void theAccountIdWorksInPlaceOfTheAlias() {
        Browser browser = browser();
        signInBob(browser);

        switchRole(browser, "11223344", "ecs-admin");

        assertOnEcsAdminConsole(browser);
        assertThat(authorizeEcsConsole(browser)).as("signed in to company-a's app\n" + browser.describe()).isNotNull();
    }

    @Test
    void aRecentRoleIsOfferedOnTheSwitchRolePageAndSwitchesInOneClick() {
        Browser browser = browser();
        signInBob(browser);
        switchRole(browser, "company-a", "ecs-admin");
        assertOnEcsAdminConsole(browser);

        browser.get(switchRoleUrl("company-b"));
        browser.waitFor(FORM);
        WebElement recent = browser.waitFor(RECENT);
        assertThat(recent.getText()).contains("ecs-admin").containsAnyOf("company-a", "11223344");
        List<WebElement> entries = recent.findElements(By.cssSelector("a, button")).stream()
                .filter(WebElement::isDisplayed)
                .filter(e -> e.getText().contains("ecs-admin"))
                .toList();
        assertThat(entries).as("a link or button for ecs-admin in " + recent.getText()).isNotEmpty();

        WebElement page = browser.find(By.tagName("html"));
        entries.get(0).click();
        browser.until(ExpectedConditions.stalenessOf(page), "the page after the recent role");

        assertOnEcsAdminConsole(browser);
    }

    @Test
    void theSwitchRolePageOffersTheLastFiveRolesOnly() {
        String source = "it-browser-source";
        String target = "it-browser-target";
        String sourceId = "31415926";
        String targetId = "27182818";
        String token = server.adminToken();
        try {
            admin.createAccountRealm(target, null);
            makeAccount(target, targetId, token);
            admin.createSourceAccount(source, null, "carol", "carol-pass-1", List.of("acs:ram::" + targetId + ":role/*"));
            makeAccount(source, sourceId, token);
            for (int i = 1; i <= 6; i++) {
                Http.Response created = Http.sendJson("POST", server.adminUrl(target) + "/sts/roles",
                        "{\"roleName\":\"browser-role-" + i + "\",\"trustPolicy\":{\"Version\":\"1\",\"Statement\":[{\"Effect\":"
                                + "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::" + sourceId + ":root\"]}}]}}",
                        token);
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
            }

            Browser browser = browser();
            signInToSwitchRole(browser, source, "carol", "carol-pass-1", null);
            for (int i = 1; i <= 6; i++) {
                if (i > 1) {
                    browser.get(switchRoleUrl(source));
                    browser.waitFor(FORM);
                }
                switchRole(browser, target, "browser-role-" + i);
                browser.until(d -> browser.url().startsWith(consoleUrl(target)) && browser.present(ACTING_AS),
                        target + "'s console");
                assertThat(browser.find(ACTING_AS).getText()).contains("browser-role-" + i + " @ " + target + " (" + targetId + ")");
            }

            browser.get(switchRoleUrl(source));
            WebElement recent = browser.waitFor(RECENT);
            List<WebElement> entries = recent.findElements(By.cssSelector("a, button")).stream()
                    .filter(WebElement::isDisplayed).toList();
            assertThat(entries).as("one-click entries in " + recent.getText()).hasSize(5);
            for (int i = 2; i <= 6; i++) {
                assertThat(recent.getText()).contains("browser-role-" + i);
            }
            assertThat(recent.getText()).as("the oldest role dropped").doesNotContain("browser-role-1");
        } finally {
            admin.deleteRealmIfExists(source);
            admin.deleteRealmIfExists(target);
        }
    }

    /** Makes {@code realm} the account {@code accountId} through the admin API (which sets up its STS clients). */
    void makeAccount(String realm, String accountId, String token) {
        Http.Response put = Http.sendJson("PUT", server.adminUrl(realm) + "/sts/account", Map.of("accountId", accountId), token);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    @Test
    void aUserWithoutTheGrantIsRefusedWithTheSameTerseMessageAsForUnknownRolesAndAccounts() {
        Browser alice = browser();
        signInToSwitchRole(alice, "company-b", "alice", "alice-pass-1", null);

        switchRole(alice, "company-a", "ecs-admin");
        assertOnSwitchRolePage(alice, "company-b");
        String refused = errorText(alice);
        assertThat(refused).containsIgnoringCase("cannot switch");
        alice.screenshot("console-switch-role-refused");

        switchRole(alice, "company-a", "nope");
        assertOnSwitchRolePage(alice, "company-b");
        String unknownRole = errorText(alice);
        switchRole(alice, "no-such-co", "ecs-admin");
        assertOnSwitchRolePage(alice, "company-b");
        String unknownAccount = errorText(alice);

        assertThat(List.of(unknownRole, unknownAccount)).as("no hint whether the account or role exists")
                .containsOnly(refused);
        assertThat(refused.toLowerCase()).doesNotContain("not exist", "unknown", "not found", "no such");
        assertThat(authorizeEcsConsole(alice)).as("no role session in company-a").isNull();

        // Bob, who may assume ecs-admin, sees the very same message for a role or account that does not exist.
        Browser bob = browser();
        signInBob(bob);
        switchRole(bob, "company-a", "nope");
        assertThat(errorText(bob)).isEqualTo(refused);
        switchRole(bob, "no-such-co", "ecs-admin");
        assertThat(errorText(bob)).isEqualTo(refused);
        assertThat(authorizeEcsConsole(bob)).as("no role session in company-a").isNull();
    }

    @Test
    void backToCompanyBEndsTheRoleSessionInCompanyA() {
        Browser browser = browser();
        signInBob(browser);
        switchRole(browser, "company-a", "ecs-admin");
        assertOnEcsAdminConsole(browser);

        WebElement page = browser.find(By.tagName("html"));
        browser.find(BACK).click();
        browser.until(ExpectedConditions.stalenessOf(page), "the page after Back");
        browser.until(d -> browser.url().startsWith(server.realmUrl("company-b") + "/")
                        && browser.js("return document.readyState").equals("complete"),
                "a company-b page after Back");

        assertThat(authorizeEcsConsole(browser)).as("company-a shows its login form: the role session is gone").isNull();
        assertThat(browser.visible(USERNAME)).isTrue();
    }

    @Test
    void theSwitchRolePageSpeaksSimplifiedChinese() {
        Browser browser = browser();
        signInBob(browser);

        browser.get(switchRoleUrl("company-b") + "?kc_locale=zh-CN");
        browser.waitFor(FORM);

        assertThat((String) browser.js("return document.documentElement.lang")).startsWith("zh");
        assertThat(browser.find(By.tagName("body")).getText()).contains("切换角色");
        browser.screenshot("console-switch-role-zh-CN");
    }

    @Test
    void theSwitchRoleFormWorksOnANarrowScreen() {
        Browser browser = register(Browser.narrow());
        signInBob(browser);

        long viewport = ((Number) browser.js("return window.innerWidth")).longValue();
        assertThat(viewport).isLessThanOrEqualTo(400);
        for (By field : List.of(ACCOUNT, ROLE, SUBMIT)) {
            WebElement element = browser.find(field);
            assertThat(element.isDisplayed()).as(field + " visible").isTrue();
            assertThat(element.getRect().getX()).as(field + " left edge").isGreaterThanOrEqualTo(0);
            assertThat(element.getRect().getX() + element.getRect().getWidth()).as(field + " right edge").isLessThanOrEqualTo((int) viewport);
        }
        long pageWidth = ((Number) browser.js("return document.documentElement.scrollWidth")).longValue();
        assertThat(pageWidth).as("no horizontal scrolling").isLessThanOrEqualTo(viewport);
        fillSwitchRole(browser, "company-a", "ecs-admin");
        browser.screenshot("console-switch-role-narrow");

        submitSwitchRole(browser);

        assertOnEcsAdminConsole(browser);
    }

    @Test
    void revokingCompanyBsTrustEndsBobsRoleSessionInCompanyAsApps() {
        // A role of this test's own, so the demo role's trust policy is never edited.
        String role = "it-browser-revoke";
        String roles = server.adminUrl("company-a") + "/sts/roles";
        Http.Response created = Http.sendJson("POST", roles, "{\"roleName\":\"" + role + "\",\"trustPolicy\":" + SEED_TRUST + "}",
                server.adminToken());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String grant = grantBob("acs:ram::11223344:role/" + role);
        try {
            Browser browser = browser();
            signInBob(browser);
            switchRole(browser, "company-a", role);
            browser.until(d -> browser.url().startsWith(consoleUrl("company-a")) && browser.present(ACTING_AS),
                    "company-a's console at " + consoleUrl("company-a"));
            assertThat(browser.find(ACTING_AS).getText()).contains(role + " @ company-a (11223344)");
            assertThat(authorizeEcsConsole(browser)).as("signed in before the revocation").isNotNull();

            Http.Response revoked = Http.sendJson("PUT", roles + "/" + role + "/trust-policy", TRUST_OTHER_ONLY, server.adminToken());
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

            String code = authorizeEcsConsole(browser);
            if (code != null) {
                Http.Response tokens = exchangeCode(code);
                assertThat(tokens.status()).as("a code after revocation must not give tokens: " + tokens).isNotEqualTo(200);
            } else {
                assertThat(browser.visible(USERNAME)).as("company-a's login form").isTrue();
            }
        } finally {
            Http.delete(roles + "/" + role, server.adminToken());
            Http.delete(server.adminUrl("company-b") + "/roles/" + grant, server.adminToken());
        }
    }

    /** Gives bob a new company-b role granting {@code arn}; returns the role's name. */
    String grantBob(String arn) {
        String role = "it-grant-" + Long.toHexString(System.nanoTime());
        String token = server.adminToken();
        Http.Response created = Http.sendJson("POST", server.adminUrl("company-b") + "/roles",
                Map.of("name", role, "attributes", Map.of("sts.assume-role", List.of(arn))), token);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String bobId = Http.get(server.adminUrl("company-b") + "/users?username=bob&exact=true", token).json().get(0).get("id").asText();
        JsonNode roleRep = Http.get(server.adminUrl("company-b") + "/roles/" + role, token).json();
        assertThat(Http.sendJson("POST", server.adminUrl("company-b") + "/users/" + bobId + "/role-mappings/realm", List.of(roleRep),
                token).status()).isEqualTo(204);
        return role;
    }

    @Test
    void theSwitchRoleFormCanBeFilledAndSubmittedWithTheKeyboardOnly() {
        Browser browser = browser();
        browser.get(switchRoleUrl("company-b"));
        browser.waitFor(USERNAME);
        focus(browser, "username", "id");
        browser.keys("bob", Keys.TAB);
        assertThat(browser.focused().getAttribute("id")).isEqualTo("password");
        browser.keys("123456", Keys.ENTER);
        browser.waitFor(FORM);

        focus(browser, "account", "name");
        browser.keys("company-a", Keys.TAB);
        assertThat(browser.focused().getAttribute("name")).as("Tab goes from account to role").isEqualTo("role");
        WebElement form = browser.find(FORM);
        browser.keys("ecs-admin", Keys.ENTER);
        awaitNextPage(browser, form);
        assertOnEcsAdminConsole(browser);

        focus(browser, "sts-back", "id");
        WebElement page = browser.find(By.tagName("html"));
        browser.keys(Keys.ENTER);
        browser.until(ExpectedConditions.stalenessOf(page), "the page after Back");
        browser.until(d -> browser.url().startsWith(server.realmUrl("company-b") + "/"), "a company-b page after Back");
    }

    @Test
    void theSwitchRoleFieldsHaveAccessibleNames() {
        Browser browser = browser();
        signInBob(browser);

        for (By field : List.of(ACCOUNT, ROLE, DISPLAY_NAME, COLOR, SUBMIT)) {
            assertThat(browser.find(field).getAccessibleName()).as("accessible name of " + field).isNotBlank();
        }
    }

    @Test
    void aForgedCsrfTokenDoesNotSwitch() {
        Browser browser = browser();
        signInBob(browser);
        browser.js("document.querySelector('#sts-switch-role-form [name=csrf]').value = 'forged'");

        switchRole(browser, "company-a", "ecs-admin");

        assertThat(browser.url()).as("not on company-a's console\n" + browser.describe()).doesNotStartWith(consoleUrl("company-a"));
        assertThat(authorizeEcsConsole(browser)).as("no role session in company-a").isNull();
    }

    /** Tabs through the page, as a keyboard user does, until the element with {@code attribute}={@code value} has the focus. */
    void focus(Browser browser, String value, String attribute) {
        for (int i = 0; i < 40; i++) {
            if (value.equals(browser.focused().getAttribute(attribute))) {
                return;
            }
            browser.tab();
        }
        throw new AssertionError("Tab never reached " + attribute + "=" + value + "\n" + browser.describe());
    }
}
