package dev.modelmeter.shapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Counts, per-group table and markdown file for a conformance run. */
final class ConformanceReport {

    private final List<ConformanceHarness.Outcome> all;
    private final Map<String, List<ConformanceHarness.Outcome>> groups;

    ConformanceReport(List<ConformanceHarness.Outcome> all, Map<String, List<ConformanceHarness.Outcome>> groups) {
        this.all = all;
        this.groups = groups;
    }

    long passed() {
        return all.stream().filter(ConformanceHarness.Outcome::passed).count();
    }

    double passRate() {
        return all.isEmpty() ? 0 : (double) passed() / all.size();
    }

    /** Outcomes where something other than our own error escaped, as "test: exception". */
    List<String> foreign() {
        return all.stream().filter(o -> o.foreign() != null).map(o -> o.test() + ": " + o.foreign()).toList();
    }

    /** The failing tests, as "test: reason" (at most 20). */
    List<String> failures() {
        return all.stream().filter(o -> !o.passed()).limit(20).map(o -> o.test() + ": " + shorten(o.reason())).toList();
    }

    String summary() {
        return passed() + " passed, " + (all.size() - passed()) + " failed"
                + String.format(" (%.1f%%)", 100 * passRate());
    }

    void printPerGroup(String what) {
        for (Map.Entry<String, List<ConformanceHarness.Outcome>> e : groups.entrySet()) {
            long p = e.getValue().stream().filter(ConformanceHarness.Outcome::passed).count();
            System.out.println("  " + what + " " + e.getKey() + ": " + p + " passed, " + (e.getValue().size() - p) + " failed");
        }
        for (String f : foreign()) {
            System.out.println("  FOREIGN EXCEPTION " + f);
        }
    }

    /** Writes docs/NAME under the project root ({@code modelmeter.root}); does nothing without it. */
    void write(String name, String title, String intro, String groupColumn) throws IOException {
        String root = System.getProperty("modelmeter.root");
        if (root == null) {
            return;
        }
        StringBuilder md = new StringBuilder();
        md.append(title).append("\n\n").append(intro).append("\n\n");
        md.append("**").append(summary()).append("** over ").append(all.size()).append(" tests.\n\n");
        md.append("| ").append(groupColumn).append(" | tests | passed | failed | first failure |\n|---|---:|---:|---:|---|\n");
        for (Map.Entry<String, List<ConformanceHarness.Outcome>> e : groups.entrySet()) {
            long p = e.getValue().stream().filter(ConformanceHarness.Outcome::passed).count();
            String first = e.getValue().stream().filter(o -> !o.passed()).findFirst()
                    .map(o -> o.test() + ": " + shorten(o.reason())).orElse("");
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().size()).append(" | ").append(p)
                    .append(" | ").append(e.getValue().size() - p).append(" | ").append(first).append(" |\n");
        }
        List<ConformanceHarness.Outcome> failed = all.stream().filter(o -> !o.passed()).toList();
        if (!failed.isEmpty()) {
            md.append("\n## Every failure\n\n| test | reason |\n|---|---|\n");
            for (ConformanceHarness.Outcome o : failed) {
                md.append("| ").append(o.test()).append(" | ").append(shorten(o.reason())).append(" |\n");
            }
        }
        Path docs = Path.of(root, "docs");
        Files.createDirectories(docs);
        Files.writeString(docs.resolve(name), md.toString());
    }

    private static String shorten(String reason) {
        String r = reason == null ? "" : reason.replace('|', '/').replace('\n', ' ');
        return r.length() > 200 ? r.substring(0, 197) + "..." : r;
    }
}
