package io.github.keycloaksts.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The HTML report: escaping, the stable ids tests and style sheets rely on, and linear size. */
class TrustGraphReportTest {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final String EVIL = "<script>alert('x')</script>&\"";

    static String trust(String principals, String condition) {
        return "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":"
                + principals + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
    }

    static TrustAnalysis sample() {
        List<AccountFacts> accounts = List.of(new AccountFacts("11111111", EVIL, EVIL),
                new AccountFacts("22222222", "beta", null));
        List<RoleFacts> roles = List.of(
                new RoleFacts("11111111", "ops", trust("{\"RAM\":[\"22222222\",\"55555555\"]}", null), false, null),
                new RoleFacts("11111111", "self", trust("{\"RAM\":\"11111111\"}", null), false, null),
                new RoleFacts("22222222", "ci", trust("{\"Federated\":\"acs:ram::22222222:oidc-provider/github\"}",
                        "{\"StringEquals\":{\"oidc:sub\":\"repo:o/a:ref:refs/heads/main\"}}"), false, null),
                new RoleFacts("22222222", "broken", "{\"x\":\"" + EVIL.replace("\"", "") + "\"}", false, null));
        List<GrantFacts> grants = List.of(new GrantFacts("22222222", EVIL, List.of("*")));
        return new TrustAnalyzer().analyze(PlatformSnapshot.of(accounts, roles, grants), AnalysisOptions.at(NOW));
    }

    @Test
    void everyTextFromTheAnalysisIsEscaped() {
        String html = TrustGraphReport.html(sample(), "Report " + EVIL);
        assertThat(html).doesNotContain("<script").doesNotContain("alert('x')");
        assertThat(html).contains("<title>Report &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</title>");
        assertThat(html).contains("&lt;script&gt;"); // the realm name, the organization, the Keycloak role
        assertThat(TrustGraphReport.esc("a\u0000b\nc")).isEqualTo("a\uFFFDb\nc");
        assertThat(TrustGraphReport.esc(null)).isEmpty();
        assertThat(TrustGraphReport.esc("plain")).isEqualTo("plain");
    }

    @Test
    void nodesEdgesAndFindingsHaveStableIds() {
        TrustAnalysis a = sample();
        String html = TrustGraphReport.html(a, null);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Trust graph</title>")
                .doesNotContain("http://", "https://www.").doesNotContain("<script").doesNotContain("<link");
        assertThat(html).contains("id=\"node-11111111\"", "id=\"node-22222222\"", "id=\"node-55555555\"",
                "id=\"oidc-0\" class=\"provider\" data-arn=\"acs:ram::22222222:oidc-provider/github\"",
                "id=\"findings\"", "id=\"legend\"");
        assertThat(a.edges()).hasSize(4);
        for (int i = 0; i < a.edges().size(); i++) {
            TrustEdge e = a.edges().get(i);
            String severity = e.severity() == null ? "NONE" : e.severity().name();
            assertThat(html).contains("id=\"edge-" + i + "\" class=\"edge\" data-severity=\"" + severity
                    + "\" data-role=\"" + e.roleArn() + "\" data-principal=\"" + e.principal() + "\"");
        }
        assertThat(html).contains("data-severity=\"HIGH\" data-role=\"acs:ram::11111111:role/ops\""
                + " data-principal=\"acs:ram::55555555:root\"");
        assertThat(count(html, "<tr data-kind=\"")).isEqualTo(a.findings().size());
        for (Finding f : a.findings()) {
            assertThat(html).contains("<tr data-kind=\"" + f.kind().name() + "\" data-severity=\""
                    + f.severity().name() + "\"");
        }
        assertThat(html).isEqualTo(TrustGraphReport.html(sample(), null));
    }

    @Test
    void aViewDrawsOnlyItsAccountsAndAnEmptyAnalysisStillRenders() {
        String into = TrustGraphReport.html(sample().into("22222222"), "into");
        assertThat(into).contains("id=\"node-22222222\"").doesNotContain("id=\"node-11111111\"")
                .contains("id=\"edge-0\"").doesNotContain("id=\"edge-1\"");
        String empty = TrustGraphReport.html(new TrustAnalyzer().analyze(null, AnalysisOptions.at(NOW)), "empty");
        assertThat(empty).contains("No findings.").doesNotContain("id=\"edge-0\"");
    }

    @Test
    void sizeGrowsLinearlyWithThePlatform() {
        int small = TrustGraphReport.html(ring(100), "x").length();
        int large = TrustGraphReport.html(ring(1000), "x").length();
        assertThat((double) large / small).isBetween(8.0, 12.0);
    }

    /** n accounts, each with a role trusting the next account. */
    static TrustAnalysis ring(int n) {
        List<AccountFacts> accounts = new ArrayList<>();
        List<RoleFacts> roles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.valueOf(10_000_000 + i);
            String next = String.valueOf(10_000_000 + (i + 1) % n);
            accounts.add(new AccountFacts(id, "realm-" + i, null));
            roles.add(new RoleFacts(id, "r", trust("{\"RAM\":\"" + next + "\"}", null), false, null));
        }
        return new TrustAnalyzer().analyze(PlatformSnapshot.of(accounts, roles, List.of()), AnalysisOptions.at(NOW));
    }

    static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int c = 0;
        while (m.find()) {
            c++;
        }
        return c;
    }
}
