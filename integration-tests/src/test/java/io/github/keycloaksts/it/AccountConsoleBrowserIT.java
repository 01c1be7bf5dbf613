package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.keycloaksts.it.support.Browser;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The seed's journey from Keycloak's own account console, in a real headless Chromium, on the demo accounts (whose
 * account theme is {@code sts}): Bob signs in to company-b's account console, opens the upper-right user menu, clicks
 * Switch Role, switches to company-a's ecs-admin, lands on company-a's role console, is signed in to an app of
 * company-a without a password, finds company-a's account console sending him to the role console, and goes back
 * to company-b, whose console is his own as before. The menu entries are found by the ids our script gives them in
 * the console's markup, so a Keycloak upgrade that changes that markup fails here.
 */
class AccountConsoleBrowserIT {

    static final By OPTIONS = By.cssSelector("[data-testid=options-toggle]");
    static final By OPTIONS_KEBAB = By.cssSelector("[data-testid=options-kebab-toggle]");
    static final By MENU_SWITCH_ROLE = By.id("sts-switch-role-menu-item");
    static final By MENU_SWITCH_ROLE_KEBAB = By.id("sts-switch-role-menu-item-kebab");
    static final By MENU_RECENT = By.id("sts-recent-role-0");
    static final By NAV_SWITCH_ROLE = By.id("sts-switch-role-nav");
    static final By FORM = By.id("sts-switch-role-form");
    static final By CANCEL = By.id("sts-cancel");
    static final By ERROR = By.id("sts-error");
    static final By ACTING_AS = By.id("sts-acting");
    static final By VIA = By.id("sts-via");
    static final By BACK = By.id("sts-back");
    static final By USERNAME = By.id("username");

    final KeycloakServer server = KeycloakServer.shared();
    final List<Browser> browsers = new ArrayList<>();

    @BeforeAll
    static void browserInstalled() {
        Browser.requireInstalled(); // fails, never skips
    }

    @AfterEach
    void quitBrowsers() {
        browsers.forEach(b -> {
            try {
                b.close();
            } catch (RuntimeException e) {
                System.err.println("Could not quit a browser: " + e);
            }
        });
        browsers.clear();
    }

    Browser open(Browser.Options options) {
        Browser browser = Browser.open(options);
        browsers.add(browser);
        return browser;
    }

    String accountConsole(String realm) {
        return server.realmUrl(realm) + "/account/";
    }

    /** company-b's account console, signed in as bob; waits until the console (and our script) has rendered. */
    void signInToAccountConsole(Browser browser, By toggle) {
        browser.get(accountConsole("company-b"));
        browser.waitFor(USERNAME);
        browser.type(USERNAME, "bob");
        browser.type(By.id("password"), "123456");
        browser.find(By.id("kc-login")).click();
        browser.until(d -> browser.url().startsWith(accountConsole("company-b")) && browser.visible(toggle),
                "company-b's account console with its user menu\n" + browser.describe());
    }

    /** Opens the user menu behind {@code toggle} and waits for our entry {@code entry} in it. */
    WebElement openMenu(Browser browser, By toggle, By entry) {
        browser.find(toggle).click();
        browser.until(d -> browser.visible(entry), "Switch Role in the user menu (" + entry + ")\n" + browser.describe());
        return browser.find(entry);
    }

    void switchTo(Browser browser, String account, String role) {
        browser.type(By.cssSelector("#sts-switch-role-form [name=account]"), account);
        browser.type(By.cssSelector("#sts-switch-role-form [name=role]"), role);
        browser.find(By.cssSelector("#sts-switch-role-form [name=color][value=green]")).click();
        browser.find(By.id("sts-switch-role-submit")).click();
    }

    void assertOnEcsAdminConsole(Browser browser) {
        browser.until(d -> browser.url().startsWith(server.realmUrl("company-a") + "/sts/console") && browser.present(ACTING_AS),
                "company-a's role console\n" + browser.describe());
        assertThat(browser.find(ACTING_AS).getText()).contains("ecs-admin @ company-a (11223344)");
        assertThat(browser.find(VIA).getText()).contains("bob @ company-b");
        assertThat(browser.find(By.id("sts-switch-again")).getAttribute("href"))
                .isEqualTo(server.realmUrl("company-b") + "/sts/switch-role");
    }

    @Test
    void bobSwitchesRoleFromTheUserMenuOfHisAccountConsoleAndComesBack() {
        Browser browser = open(Browser.Options.desktop());
        signInToAccountConsole(browser, OPTIONS);
        browser.screenshot("account-console");

        WebElement entry = openMenu(browser, OPTIONS, MENU_SWITCH_ROLE);
        browser.screenshot("account-console-menu");
        entry.click();

        browser.until(d -> browser.present(FORM), "the Switch Role page, without another sign-in\n" + browser.describe());
        assertThat(browser.url()).startsWith(server.realmUrl("company-b") + "/sts/switch-role");
        assertThat(browser.present(USERNAME)).as("no login form on the way").isFalse();
        assertThat(browser.find(CANCEL).getAttribute("href")).isEqualTo(accountConsole("company-b"));
        switchTo(browser, "company-a", "ecs-admin");
        assertOnEcsAdminConsole(browser);
        browser.screenshot("account-console-role-session");

        // An ordinary app of company-a signs Bob in as the role session without a password.
        browser.get(server.realmUrl("company-a") + "/protocol/openid-connect/auth?client_id=ecs-console&response_type=code&scope=openid"
                + "&redirect_uri=" + URLEncoder.encode(server.realmUrl("company-a") + "/sts/console", StandardCharsets.UTF_8));
        browser.until(d -> browser.url().contains("code="), "a code for ecs-console\n" + browser.describe());
        assertThat(browser.present(USERNAME)).isFalse();

        // company-a's own account console has nothing for a role session: it sends the browser to the role console.
        browser.get(accountConsole("company-a"));
        assertOnEcsAdminConsole(browser);
        assertThat(browser.source()).doesNotContain("Something went wrong");

        browser.find(BACK).click();
        browser.until(d -> browser.url().startsWith(server.realmUrl("company-b") + "/"), "back at company-b\n" + browser.describe());
        browser.get(accountConsole("company-b"));
        browser.until(d -> browser.visible(OPTIONS), "company-b's account console\n" + browser.describe());
        assertThat(browser.find(OPTIONS).getText()).as("his own console, as before").containsIgnoringCase("bob");
        WebElement recent = openMenu(browser, OPTIONS, MENU_RECENT);
        assertThat(recent.getText()).isEqualTo("ecs-admin @ company-a");
        assertThat(browser.present(By.cssSelector("#sts-recent-role-0 .sts-color-green"))).as("the colour he chose").isTrue();

        recent.click(); // one click: the switch itself
        assertOnEcsAdminConsole(browser);
    }

    @Test
    void aRefusedSwitchLeavesTheAccountConsoleUsable() {
        Browser browser = open(Browser.Options.desktop());
        signInToAccountConsole(browser, OPTIONS);
        openMenu(browser, OPTIONS, MENU_SWITCH_ROLE).click();
        browser.until(d -> browser.present(FORM), "the Switch Role page\n" + browser.describe());

        switchTo(browser, "company-a", "no-such-role");
        browser.until(d -> browser.present(ERROR), "the refusal\n" + browser.describe());
        browser.find(CANCEL).click();

        browser.until(d -> browser.url().startsWith(accountConsole("company-b")) && browser.visible(OPTIONS),
                "company-b's account console after Cancel\n" + browser.describe());
        openMenu(browser, OPTIONS, MENU_SWITCH_ROLE);
    }

    @Test
    void theMenuSpeaksChineseForAChineseBrowser() {
        Browser browser = open(Browser.Options.desktop().lang("zh-CN"));
        signInToAccountConsole(browser, OPTIONS);
        WebElement entry = openMenu(browser, OPTIONS, MENU_SWITCH_ROLE);
        assertThat(entry.getText()).isEqualTo("切换角色");
        browser.screenshot("account-console-menu-zh-CN");
    }

    @Test
    void onANarrowScreenSwitchRoleIsInTheKebabMenuAndTheNavigation() {
        Browser browser = open(Browser.Options.narrow());
        signInToAccountConsole(browser, OPTIONS_KEBAB);
        assertThat(browser.present(NAV_SWITCH_ROLE)).as("the navigation entry").isTrue();
        assertThat(browser.find(NAV_SWITCH_ROLE).getAttribute("href")).contains("/realms/company-b/sts/switch-role");
        openMenu(browser, OPTIONS_KEBAB, MENU_SWITCH_ROLE_KEBAB).click();
        browser.until(d -> browser.present(FORM), "the Switch Role page\n" + browser.describe());
        browser.screenshot("account-console-narrow-switch-role");
    }
}
