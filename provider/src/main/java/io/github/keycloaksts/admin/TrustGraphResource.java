package io.github.keycloaksts.admin;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.keycloaksts.platform.PlatformSnapshots;
import io.github.keycloaksts.policy.analysis.AnalysisOptions;
import io.github.keycloaksts.policy.analysis.Finding;
import io.github.keycloaksts.policy.analysis.Severity;
import io.github.keycloaksts.policy.analysis.TrustAnalysis;
import io.github.keycloaksts.policy.analysis.TrustAnalyzer;
import io.github.keycloaksts.policy.analysis.TrustEdge;
import io.github.keycloaksts.policy.analysis.TrustGraphReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /sts/platform/trust-graph}: every cross-account edge on the server (a role and who its trust policy names),
 * with its last use, last refusal and unexpired sessions, and the findings of the analyzer ({@code policy/analysis}).
 * {@code GET} answers JSON; {@code GET /findings} the findings alone (for alerting, filtered by {@code minSeverity});
 * {@code GET /report} a self-contained HTML page with the graph drawn (SVG) and the findings. Query parameters:
 * {@code unusedDays} (a trust unused for longer is a finding, default 90, fractions allowed) and {@code expiringDays}
 * (a trust whose term ends sooner is listed, default 30).
 */
public final class TrustGraphResource {

    static final TrustAnalyzer ANALYZER = new TrustAnalyzer(AdminContext.POLICY_READER);

    private final AdminContext context;

    TrustGraphResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> graph(@QueryParam("unusedDays") String unusedDays, @QueryParam("expiringDays") String expiringDays) {
        PlatformResource.requireView(context);
        return representation(analyze(context, unusedDays, expiringDays), true);
    }

    @GET
    @Path("findings")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> findings(@QueryParam("unusedDays") String unusedDays, @QueryParam("expiringDays") String expiringDays,
                                              @QueryParam("minSeverity") String minSeverity) {
        PlatformResource.requireView(context);
        Severity floor = severity(minSeverity);
        return analyze(context, unusedDays, expiringDays).findings().stream()
                .filter(f -> f.severity().compareTo(floor) <= 0).map(TrustGraphResource::finding).toList();
    }

    @GET
    @Path("report")
    @Produces(MediaType.TEXT_HTML)
    public Response report(@QueryParam("unusedDays") String unusedDays, @QueryParam("expiringDays") String expiringDays) {
        PlatformResource.requireView(context);
        String html = TrustGraphReport.html(analyze(context, unusedDays, expiringDays), "Trust graph of " + context.session.getContext()
                .getUri().getBaseUri().getHost());
        // A page of our own making with every value escaped; still, nothing in it may run or load anything.
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    static TrustAnalysis analyze(AdminContext context, String unusedDays, String expiringDays) {
        AnalysisOptions options = new AnalysisOptions(Instant.now(), days(unusedDays, "unusedDays", AnalysisOptions.DEFAULT_UNUSED_AFTER),
                days(expiringDays, "expiringDays", AnalysisOptions.DEFAULT_EXPIRING_WITHIN), PlatformSnapshots.trackingSince(context.session));
        return ANALYZER.analyze(PlatformSnapshots.of(context.session), options);
    }

    private static Duration days(String text, String name, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            BigDecimal days = new BigDecimal(text.trim());
            if (days.signum() < 0 || days.compareTo(BigDecimal.valueOf(36_500)) > 0) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(days.multiply(BigDecimal.valueOf(86_400_000L)).longValue());
        } catch (NumberFormatException | ArithmeticException e) {
            throw AdminApiException.badRequest("InvalidParameter." + name, name + ": a number of days from 0 to 36500");
        }
    }

    private static Severity severity(String text) {
        if (text == null || text.isBlank()) {
            return Severity.INFO;
        }
        try {
            return Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminApiException.badRequest("InvalidParameter.minSeverity", "minSeverity: one of HIGH, MEDIUM, LOW, INFO");
        }
    }

    /** The analysis as JSON: accounts, edges (with {@code edges} true) and findings, with a count per severity. */
    static Map<String, Object> representation(TrustAnalysis analysis, boolean edges) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("generatedAt", Instant.now().toString());
        Map<String, Integer> summary = new LinkedHashMap<>();
        analysis.countBySeverity().forEach((severity, count) -> summary.put(severity.name(), count));
        out.put("summary", summary);
        out.put("accounts", analysis.accounts().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accountId", a.accountId());
            m.put("realm", a.realmName());
            m.put("organization", a.organization());
            return m;
        }).toList());
        if (edges) {
            out.put("edges", analysis.edges().stream().map(TrustGraphResource::edge).toList());
        }
        out.put("findings", analysis.findings().stream().map(TrustGraphResource::finding).toList());
        return out;
    }

    static Map<String, Object> edge(TrustEdge e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roleArn", e.roleArn());
        m.put("roleAccountId", e.roleAccountId());
        m.put("principal", e.principal());
        m.put("principalKind", e.principalKind().name());
        m.put("sourceAccountId", e.sourceAccountId());
        m.put("crossAccount", e.crossAccount());
        m.put("path", e.path());
        m.put("externalId", e.externalId());
        m.put("expires", text(e.expires()));
        m.put("lastAllowed", text(e.lastAllowed()));
        m.put("lastRefused", text(e.lastRefused()));
        m.put("liveSessions", e.liveSessions());
        m.put("severity", e.severity() == null ? null : e.severity().name());
        return m;
    }

    static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", f.kind().name());
        m.put("severity", f.severity().name());
        m.put("accountId", f.accountId());
        m.put("role", f.role());
        m.put("principal", f.principal());
        m.put("path", f.path());
        m.put("message", f.message());
        m.put("fix", f.fix());
        return m;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
