package io.github.keycloaksts.policy.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a {@link TrustAnalysis} as one self-contained HTML page (no external resources, no script): an inline SVG
 * with the accounts on a circle and an arrow per trust edge from its source to the role's account, coloured by the
 * edge's worst finding; OIDC providers as small squares beside their account; then a legend and the findings table.
 * Every text from the analysis is escaped (names come from users). Output size is linear in the number of accounts,
 * edges and findings; the drawing reads well up to a few dozen accounts, and beyond that the table is the report.
 *
 * <p>Stable hooks (for tests and style sheets): {@code id="node-<accountId>"} per account, {@code id="oidc-<n>"}
 * with {@code data-arn} per provider, {@code id="edge-<n>"} with {@code data-severity} ({@code HIGH} …
 * {@code INFO}, or {@code NONE}), {@code data-role} and {@code data-principal} per edge (in the analysis's edge
 * order), and {@code id="findings"}, a table with one {@code <tr data-kind="…" data-severity="…">} per finding.
 */
public final class TrustGraphReport {

    private static final String NONE = "NONE";
    private static final Map<String, String> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put(Severity.HIGH.name(), "#d62728");
        COLOURS.put(Severity.MEDIUM.name(), "#ff7f0e");
        COLOURS.put(Severity.LOW.name(), "#d4b000");
        COLOURS.put(Severity.INFO.name(), "#e8d44d");
        COLOURS.put(NONE, "#9e9e9e");
    }

    private TrustGraphReport() {
    }

    /**
     * @param analysis an analysis (or a view of one)
     * @param title    the page's title and heading (null for a default)
     * @return the HTML page
     */
    public static String html(TrustAnalysis analysis, String title) {
        String t = title == null ? "Trust graph" : title;
        StringBuilder out = new StringBuilder(4096 + analysis.edges().size() * 400 + analysis.findings().size() * 500);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(t))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px;max-width:100%}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere}")
                .append("th{background:#f3f3f3}.sev{font-weight:bold}")
                .append(".legend span{display:inline-block;margin-right:1.2em}")
                .append(".swatch{display:inline-block;width:1.6em;height:.35em;vertical-align:middle;margin-right:.3em}")
                .append("svg text{font-size:11px;text-anchor:middle;pointer-events:none}")
                .append(".edge{fill:none;stroke-width:1.6;opacity:.85}.edge:hover{stroke-width:3.5;opacity:1}")
                .append("\n</style></head><body>\n<h1>").append(esc(t)).append("</h1>\n");
        summary(out, analysis);
        legend(out);
        svg(out, analysis);
        findings(out, analysis);
        return out.append("</body></html>\n").toString();
    }

    private static void summary(StringBuilder out, TrustAnalysis analysis) {
        out.append("<p id=\"summary\">").append(analysis.accounts().size()).append(" accounts, ")
                .append(analysis.edges().size()).append(" trust edges, ").append(analysis.findings().size())
                .append(" findings");
        for (Map.Entry<Severity, Integer> e : analysis.countBySeverity().entrySet()) {
            out.append(", ").append(e.getValue()).append(' ').append(e.getKey().name());
        }
        out.append(".</p>\n");
    }

    private static void legend(StringBuilder out) {
        out.append("<p class=\"legend\" id=\"legend\">");
        COLOURS.forEach((severity, colour) -> out.append("<span><span class=\"swatch\" style=\"background:")
                .append(colour).append("\"></span>").append(severity.equals(NONE) ? "no finding" : severity)
                .append("</span>"));
        out.append("<span>○ account (dashed: no account holds the ID)</span><span>□ OIDC provider</span>")
                .append("<span>arrow: from who may assume, to the role's account</span></p>\n");
    }

    /** Position of a node. */
    private record Point(double x, double y) {
    }

    private static void svg(StringBuilder out, TrustAnalysis analysis) {
        Map<String, AccountFacts> known = new HashMap<>();
        TreeSet<String> ids = new TreeSet<>();
        for (AccountFacts a : analysis.accounts()) {
            if (a.accountId() != null) {
                known.putIfAbsent(a.accountId(), a);
                ids.add(a.accountId());
            }
        }
        // providers by ARN, each beside its role's account
        Map<String, String> providerAccount = new TreeMap<>();
        for (TrustEdge e : analysis.edges()) {
            ids.add(e.roleAccountId());
            if (e.sourceAccountId() != null) {
                ids.add(e.sourceAccountId());
            }
            if (e.principalKind() == PrincipalKind.OIDC_PROVIDER) {
                providerAccount.putIfAbsent(e.principal(), e.roleAccountId());
            }
        }
        int n = ids.size();
        boolean small = n > 40;
        double r = small ? 12 : 38;
        double ring = Math.max(small ? 60 : 200, n * (2 * r + (small ? 10 : 36)) / (2 * Math.PI));
        double margin = r + 110;
        double size = 2 * (ring + margin);
        double c = size / 2;
        Map<String, Point> at = new HashMap<>();
        Map<String, Double> angle = new HashMap<>();
        int i = 0;
        for (String id : ids) {
            double a = n == 1 ? -Math.PI / 2 : -Math.PI / 2 + 2 * Math.PI * i++ / n;
            angle.put(id, a);
            at.put(id, n == 1 ? new Point(c, c) : new Point(c + ring * Math.cos(a), c + ring * Math.sin(a)));
        }
        Map<String, Point> providerAt = new HashMap<>();
        Map<String, Integer> perAccount = new HashMap<>();
        for (Map.Entry<String, String> p : providerAccount.entrySet()) {
            int k = perAccount.merge(p.getValue(), 1, Integer::sum) - 1;
            double a = angle.get(p.getValue());
            Point base = at.get(p.getValue());
            double out2 = r + 34;
            double side = (k % 2 == 0 ? 1 : -1) * ((k + 1) / 2) * 26.0;
            providerAt.put(p.getKey(), new Point(base.x() + out2 * Math.cos(a) - side * Math.sin(a),
                    base.y() + out2 * Math.sin(a) + side * Math.cos(a)));
        }

        out.append("<svg id=\"graph\" width=\"").append(num(size))
                .append("\" height=\"").append(num(size)).append("\" viewBox=\"0 0 ").append(num(size)).append(' ')
                .append(num(size)).append("\" role=\"img\" aria-label=\"trust graph\">\n<defs>");
        COLOURS.forEach((severity, colour) -> out.append("<marker id=\"arrow-").append(severity)
                .append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\"")
                .append(" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"").append(colour)
                .append("\"/></marker>"));
        out.append("</defs>\n");

        // edges first, so that nodes are drawn over them
        Map<String, Integer> parallel = new HashMap<>();
        int index = 0;
        for (TrustEdge e : analysis.edges()) {
            boolean federated = e.principalKind() == PrincipalKind.OIDC_PROVIDER;
            String from = federated ? e.principal() : e.sourceAccountId();
            Point src = federated ? providerAt.get(from) : at.get(from);
            Point dst = at.get(e.roleAccountId());
            int k = parallel.merge(from + '\n' + e.roleAccountId(), 1, Integer::sum) - 1;
            String severity = e.severity() == null ? NONE : e.severity().name();
            out.append("<path id=\"edge-").append(index++).append("\" class=\"edge\" data-severity=\"").append(severity)
                    .append("\" data-role=\"").append(esc(e.roleArn())).append("\" data-principal=\"")
                    .append(esc(e.principal())).append("\" stroke=\"").append(COLOURS.get(severity))
                    .append("\" marker-end=\"url(#arrow-").append(severity).append(")\" d=\"");
            if (!federated && from.equals(e.roleAccountId())) {
                loop(out, dst, angle.get(from), r, k, n == 1);
            } else {
                curve(out, src, dst, federated ? 7 : r, r, k);
            }
            out.append("\"><title>").append(esc(e.principal())).append(" → ").append(esc(e.roleArn())).append(" (")
                    .append(esc(e.path())).append(")").append(e.severity() == null ? "" : ": " + severity)
                    .append(e.expires() == null ? "" : ", until " + e.expires()).append("</title></path>\n");
        }

        for (String id : ids) {
            Point p = at.get(id);
            AccountFacts facts = known.get(id);
            String retired = analysis.retiredAccounts().get(id);
            String label = facts != null ? facts.realmName()
                    : retired != null ? "deleted: " + retired : "unknown";
            out.append("<g id=\"node-").append(esc(id)).append("\" class=\"node\"><title>").append(esc(id))
                    .append(' ').append(esc(label));
            if (facts != null && facts.organization() != null) {
                out.append(" (organization ").append(esc(facts.organization())).append(')');
            }
            out.append("</title><circle cx=\"").append(num(p.x())).append("\" cy=\"").append(num(p.y()))
                    .append("\" r=\"").append(num(r)).append("\" fill=\"").append(facts == null ? "#fff0f0" : "#eef4fb")
                    .append("\" stroke=\"").append(facts == null ? "#d62728" : "#4a6fa5").append('"')
                    .append(facts == null ? " stroke-dasharray=\"4 3\"" : "").append("/>");
            if (!small) {
                out.append("<text x=\"").append(num(p.x())).append("\" y=\"").append(num(p.y() - 2)).append("\">")
                        .append(esc(id)).append("</text><text x=\"").append(num(p.x())).append("\" y=\"")
                        .append(num(p.y() + 12)).append("\">").append(esc(clip(label, 16))).append("</text>");
            }
            out.append("</g>\n");
        }
        int pi = 0;
        for (Map.Entry<String, String> p : providerAccount.entrySet()) {
            Point q = providerAt.get(p.getKey());
            String name = p.getKey().substring(p.getKey().lastIndexOf('/') + 1);
            out.append("<g id=\"oidc-").append(pi++).append("\" class=\"provider\" data-arn=\"").append(esc(p.getKey()))
                    .append("\"><title>").append(esc(p.getKey())).append("</title><rect x=\"").append(num(q.x() - 7))
                    .append("\" y=\"").append(num(q.y() - 7)).append("\" width=\"14\" height=\"14\" fill=\"#f4effa\"")
                    .append(" stroke=\"#7b5ea7\"/>");
            if (!small) {
                out.append("<text x=\"").append(num(q.x())).append("\" y=\"").append(num(q.y() + 19)).append("\">")
                        .append(esc(clip(name, 14))).append("</text>");
            }
            out.append("</g>\n");
        }
        out.append("</svg>\n");
    }

    /** A quadratic curve from node to node, bowed to the left of its direction so that opposite edges part. */
    private static void curve(StringBuilder out, Point src, Point dst, double rs, double rd, int k) {
        double dx = dst.x() - src.x();
        double dy = dst.y() - src.y();
        double len = Math.max(1, Math.hypot(dx, dy));
        double bow = 18 + 10 * k;
        double cx = (src.x() + dst.x()) / 2 + bow * dy / len;
        double cy = (src.y() + dst.y()) / 2 - bow * dx / len;
        Point a = toward(src, cx, cy, rs);
        Point b = toward(dst, cx, cy, rd + 2);
        out.append('M').append(num(a.x())).append(',').append(num(a.y())).append('Q').append(num(cx)).append(',')
                .append(num(cy)).append(' ').append(num(b.x())).append(',').append(num(b.y()));
    }

    /** A loop outside the node, for a trust within one account. */
    private static void loop(StringBuilder out, Point p, double angle, double r, int k, boolean alone) {
        double a = alone ? -Math.PI / 2 : angle;
        double reach = r + 26 + 9 * k;
        double a1 = a - 0.45;
        double a2 = a + 0.45;
        out.append('M').append(num(p.x() + r * Math.cos(a1))).append(',').append(num(p.y() + r * Math.sin(a1)))
                .append('C').append(num(p.x() + (r + reach) * Math.cos(a1 - 0.3))).append(',')
                .append(num(p.y() + (r + reach) * Math.sin(a1 - 0.3))).append(' ')
                .append(num(p.x() + (r + reach) * Math.cos(a2 + 0.3))).append(',')
                .append(num(p.y() + (r + reach) * Math.sin(a2 + 0.3))).append(' ')
                .append(num(p.x() + (r + 2) * Math.cos(a2))).append(',').append(num(p.y() + (r + 2) * Math.sin(a2)));
    }

    /** The point at distance d from p toward (x, y). */
    private static Point toward(Point p, double x, double y, double d) {
        double len = Math.max(1, Math.hypot(x - p.x(), y - p.y()));
        return new Point(p.x() + (x - p.x()) * d / len, p.y() + (y - p.y()) * d / len);
    }

    private static void findings(StringBuilder out, TrustAnalysis analysis) {
        out.append("<h2>Findings</h2>\n<table id=\"findings\"><thead><tr><th>severity</th><th>kind</th>")
                .append("<th>account</th><th>role</th><th>principal</th><th>path</th><th>message</th><th>fix</th>")
                .append("</tr></thead><tbody>\n");
        List<Finding> list = new ArrayList<>(analysis.findings());
        for (Finding f : list) {
            out.append("<tr data-kind=\"").append(f.kind().name()).append("\" data-severity=\"")
                    .append(f.severity().name()).append("\"><td class=\"sev\" style=\"color:")
                    .append(COLOURS.get(f.severity().name())).append("\">").append(f.severity().name())
                    .append("</td><td>").append(f.kind().name()).append("</td><td>").append(esc(f.accountId()))
                    .append("</td><td>").append(esc(f.role())).append("</td><td>").append(esc(f.principal()))
                    .append("</td><td><code>").append(esc(f.path())).append("</code></td><td>").append(esc(f.message()))
                    .append("</td><td>").append(esc(f.fix())).append("</td></tr>\n");
        }
        if (list.isEmpty()) {
            out.append("<tr><td colspan=\"8\">No findings.</td></tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String num(double v) {
        return Long.toString(Math.round(v));
    }

    /**
     * @param s any text, may be null
     * @return the text safe in HTML element content and quoted attributes ({@code & < > " '} as entities, control
     *         characters replaced)
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = switch (ch) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> ch < 0x20 && ch != '\n' && ch != '\t' || ch == 0x7f ? "\uFFFD" : null;
            };
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(ch);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
