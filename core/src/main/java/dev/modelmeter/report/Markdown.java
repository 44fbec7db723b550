package dev.modelmeter.report;

/** GitHub-flavoured Markdown pieces shared by the Markdown renderers. */
final class Markdown {

    private Markdown() {
    }

    /** Text safe inside a table cell: pipes escaped, line breaks as spaces. */
    static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
