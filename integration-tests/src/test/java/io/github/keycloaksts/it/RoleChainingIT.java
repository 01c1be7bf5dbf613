package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.Accounts.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Role chaining: a role token of account A is the subject token of an AssumeRole at account C, for a role of C that
 * trusts A's account or that exact role of A, when A's role grants it onward (an attached role's
 * {@code sts.assume-role}). The chain keeps the first hop's source identity, nests {@code act}, lasts at most an hour,
 * is at most three role sessions long, and ends when the session it came from ends.
 *
 * <p>B ({@value #B_ID}): bob, granted A's {@code deploy}, {@code plain} and {@code narrow}. A ({@value #A_ID}):
 * {@code deploy} (attached: {@code chainer}, which grants C's {@code ops}, {@code only-other}, {@code wide} and
 * {@code long}, and A's own {@code hop3}; and {@code api/reader}); {@code plain} (attached {@code api/reader} only:
 * no onward grant); {@code narrow} (attached {@code elsewhere}, which grants only C's {@code unused}). C ({@value #C_ID}):
 * {@code ops} trusts A's {@code deploy} and grants onward A's {@code hop3}; {@code only-other} trusts only A's
 * {@code other}; {@code wide} trusts A's account; {@code long} allows 7200 s. A's {@code hop3} trusts C's
 * {@code ops} and grants C's {@code wide}.
 */
class RoleChainingIT {

    static final String B = "it-chain-b";
    static final String A = "it-chain-a";
    static final String C = "it-chain-c";
    static final String B_ID = "75100001";
    static final String A_ID = "75100002";
    static final String C_ID = "75100003";

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Accounts ACCOUNTS = new Accounts(SERVER);
    static Accounts.Account a;
    static Accounts.Account c;

    final Sts sts = new Sts(SERVER);
    final RoleTokens atA = new RoleTokens(SERVER, A, "api", "api-secret-1");
    final RoleTokens atC = new RoleTokens(SERVER, C, "api", "api-secret-1");

    @BeforeAll
    static void accounts() {
        a = ACCOUNTS.account(A, A_ID);
        c = ACCOUNTS.account(C, C_ID);
        String cOps = c.roleArn("ops");
        a.api("api", "api-secret-1", "reader")
                .realmRole("chainer", cOps, c.roleArn("only-other"), c.roleArn("wide"), c.roleArn("long"), a.roleArn("hop3"))
                .realmRole("elsewhere", c.roleArn("unused"))
                .role("deploy", trusting(List.of("acs:ram::" + B_ID + ":root")), 3600)
                .attachRealmRole("deploy", "chainer").attachClientRole("deploy", "api", "reader")
                .role("plain", trusting(List.of("acs:ram::" + B_ID + ":root")), 3600).attachClientRole("plain", "api", "reader")
                .role("narrow", trusting(List.of("acs:ram::" + B_ID + ":root")), 3600).attachRealmRole("narrow", "elsewhere");
        c.api("api", "api-secret-1", "operator")
                .realmRole("c-chainer", a.roleArn("hop3"))
                .role("ops", trusting(List.of(a.roleArn("deploy"))), 3600).attachClientRole("ops", "api", "operator")
                .attachRealmRole("ops", "c-chainer")
                .role("only-other", trusting(List.of(a.roleArn("other"))), 3600).attachClientRole("only-other", "api", "operator")
                .role("wide", trusting(List.of(a.root())), 3600).attachClientRole("wide", "api", "operator")
                .role("long", trusting(List.of(a.root())), 7200).attachClientRole("long", "api", "operator")
                .role("unused", trusting(List.of(a.root())), 3600).attachClientRole("unused", "api", "operator");
        // hop3 grants C's wide onward: a third hop's own grant, so only the depth cap can refuse a fourth.
        a.realmRole("hop3-chainer", c.roleArn("wide"))
                .role("hop3", trusting(List.of(c.roleArn("ops"))), 3600).attachClientRole("hop3", "api", "reader")
                .attachRealmRole("hop3", "hop3-chainer");
        new Admin(SERVER).createSourceAccount(B, B_ID, "bob", "bob-pass-1",
                List.of(a.roleArn("deploy"), a.roleArn("plain"), a.roleArn("narrow")));
    }

    @AfterAll
    static void removeAccounts() {
        for (String realm : List.of(A, B, C)) {
            new Admin(SERVER).deleteRealmIfExists(realm);
        }
    }

    String bobsDeployToken() {
        return atA.exchange(atA.signIn(B, "bob"), a.roleArn("deploy"));
    }

    @Test
    void aRoleSessionOfAAssumesARoleOfCThatTrustsItsRoleAndKeepsTheSourceIdentityAndNestsAct() {
        String deploy = bobsDeployToken();
        JsonNode first = Http.claims(deploy);
        assertThat(first.get("aud").toString()).as("a session that may chain names sts as audience").contains("\"sts\"");

        String ops = atC.exchange(deploy, c.roleArn("ops"));

        JsonNode claims = Http.claims(ops);
        assertThat(claims.get("role_arn").asText()).isEqualTo(c.roleArn("ops"));
        assertThat(claims.get("iss").asText()).isEqualTo(SERVER.realmUrl(C));
        assertThat(claims.get("source_identity").asText()).as("the first hop's source identity, unchanged")
                .isEqualTo("acs:ram::" + B_ID + ":user/bob");
        JsonNode act = claims.get("act");
        assertThat(act.get("sub").asText()).as("the current actor: A's role session").isEqualTo(first.get("sub").asText());
        assertThat(act.get("iss").asText()).isEqualTo(SERVER.realmUrl(A));
        assertThat(act.get("act").get("sub").asText()).as("the earlier actor: bob").isEqualTo(first.get("act").get("sub").asText());
        assertThat(act.get("act").get("iss").asText()).isEqualTo(SERVER.realmUrl(B));
        assertThat(claims.get("resource_access").get("api").get("roles").toString()).contains("operator");
        atC.assertLive("the chained token", ops);

        JsonNode cEvent = c.events("TOKEN_EXCHANGE", 1).get(0);
        assertThat(cEvent.get("details").get("source_identity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/bob");
        assertThat(cEvent.get("details").get("chained_from").asText()).isEqualTo(a.roleArn("deploy") + "/bob");
        JsonNode aEvent = a.events("TOKEN_EXCHANGE", 1).get(0);
        assertThat(aEvent.get("details").get("role_arn").asText()).as("A's mirror of the second hop").isEqualTo(c.roleArn("ops"));
        assertThat(aEvent.get("details").get("source_identity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/bob");

        JsonNode listed = c.sessions("ops");
        assertThat(listed.toString()).contains("acs:ram::" + B_ID + ":user/bob").contains(claims.get("jti").asText());
    }

    @Test
    void aRoleOfCThatTrustsAnAccountTrustsItsRoleSessions() {
        atC.assertLive("C's wide, trusting A's account", atC.exchange(bobsDeployToken(), c.roleArn("wide")));
    }

    @Test
    void aRoleOfCTrustingOnlyAnotherRoleOfARefuses() {
        Http.Response refused = atC.tryExchange(bobsDeployToken(), c.roleArn("only-other"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("access_denied");
    }

    @Test
    void withoutAGrantOfAsRoleTheChainRefuses() {
        String narrow = atA.exchange(atA.signIn(B, "bob"), a.roleArn("narrow"));
        Http.Response refused = atC.tryExchange(narrow, c.roleArn("ops"));
        assertThat(refused.status()).as("narrow grants only C's unused: " + refused).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("access_denied");

        String plain = atA.exchange(atA.signIn(B, "bob"), a.roleArn("plain"));
        assertThat(Http.claims(plain).get("aud").toString()).as("a session that cannot chain is not a subject token").doesNotContain("\"sts\"");
        Http.Response notASubject = atC.tryExchange(plain, c.roleArn("wide"));
        assertThat(notASubject.status()).as(notASubject.toString()).isEqualTo(400);
        assertThat(notASubject.json().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void aChainedSessionLastsAtMostAnHour() {
        Map<String, String> form = sts.form(bobsDeployToken(), c.roleArn("long"));
        form.put("duration_seconds", "3601");
        Http.Response refused = sts.exchange(C, form);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(refused.json().get("error_description").asText()).contains("duration_seconds").contains("3600");

        String hour = atC.exchange(bobsDeployToken(), c.roleArn("long"), 3600);
        JsonNode claims = Http.claims(hour);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
    }

    @Test
    void aChainOfThreeRoleSessionsIsTheLongest() {
        String ops = atC.exchange(bobsDeployToken(), c.roleArn("ops"));
        String hop3 = atA.exchange(ops, a.roleArn("hop3"));
        assertThat(Http.claims(hop3).get("act").get("act").get("act").get("sub").asText()).as("three actors, bob innermost")
                .isEqualTo(Http.claims(bobsDeployToken()).get("act").get("sub").asText());
        atA.assertLive("the third hop", hop3);

        Http.Response refused = atC.tryExchange(hop3, c.roleArn("wide"));
        assertThat(refused.status()).as("a fourth hop: " + refused).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("access_denied");
        JsonNode event = c.events("TOKEN_EXCHANGE_ERROR", 1).get(0);
        assertThat(event.get("details").get("reason").asText()).contains("chain");
    }

    @Test
    void endingTheSessionOfAEndsTheChainedSessionOfCWithinOneSecond() {
        String deploy = bobsDeployToken();
        String ops = atC.exchange(deploy, c.roleArn("ops"));
        String hop3 = atA.exchange(ops, a.roleArn("hop3"));
        String otherOps = atC.exchange(bobsDeployToken(), c.roleArn("ops"));
        atC.assertLive("the chained token", ops);

        a.endSession("deploy", Http.claims(deploy).get("jti").asText());

        atC.assertEndsWithinOneSecond("C's session chained from the ended one", ops);
        atA.assertEndsWithinOneSecond("the third hop, two hops down from the ended one", hop3);
        atC.assertLive("C's session chained from another of bob's A sessions", otherOps);
        assertThat(atC.tryExchange(deploy, c.roleArn("wide")).status()).as("the ended session chains no further").isEqualTo(400);
    }

    @Test
    void endingTheFirstHopsSourceSessionEndsTheWholeChain() {
        String bobs = atA.signIn(B, "bob");
        String deploy = atA.exchange(bobs, a.roleArn("deploy"));
        String ops = atC.exchange(deploy, c.roleArn("ops"));
        String sid = Http.claims(bobs).get("sid").asText();

        RoleTokens.ok(Http.delete(SERVER.adminUrl(B) + "/sessions/" + sid, new Admin(SERVER).token()));

        atA.assertEndsWithinOneSecond("A's session", deploy);
        atC.assertEndsWithinOneSecond("C's session chained from it", ops);
    }

    @Test
    void takingAwayAsOnwardGrantEndsTheChainedSessionButNotAsOwn() {
        String deploy = bobsDeployToken();
        String wide = atC.exchange(deploy, c.roleArn("wide"));
        JsonNode chainer = Http.get(SERVER.adminUrl(A) + "/roles/chainer", new Admin(SERVER).token()).json();
        Map<String, Object> without = Map.of("name", "chainer", "attributes", Map.of("sts.assume-role",
                List.of(c.roleArn("ops"), c.roleArn("only-other"), c.roleArn("long"), a.roleArn("hop3"))));
        try {
            RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A) + "/roles-by-id/" + chainer.get("id").asText(), without,
                    new Admin(SERVER).token()));
            atC.assertEndsWithinOneSecond("C's wide, no longer granted onward by A's deploy", wide);
            atA.assertLive("A's own session, whose role is unchanged", deploy);
        } finally {
            RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A) + "/roles-by-id/" + chainer.get("id").asText(),
                    Map.of("name", "chainer", "attributes", Map.of("sts.assume-role", List.of(c.roleArn("ops"), c.roleArn("only-other"),
                            c.roleArn("wide"), c.roleArn("long"), a.roleArn("hop3")))), new Admin(SERVER).token()));
        }
    }
}
