package dev.modelmeter.cli;

import dev.modelmeter.ModelMeterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code modelmeter}: exit status 0 on success, 1 when the model cannot be read or analysed, 2 for
 * bad usage. Errors are one line on stderr; {@code --debug} adds the stack trace.
 */
@Command(name = "modelmeter", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "What a neural network costs: parameters, MACs, memory — from ONNX, the Java DSL or the zoo.",
        subcommands = {SummaryCommand.class, MemoryCommand.class, FitCommand.class, DiffCommand.class, ListZooCommand.class,
                CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class})
public final class Main {

    /** Exit status of a run that succeeded. */
    public static final int OK = 0;
    /** Exit status when the model cannot be read or analysed. */
    public static final int MODEL_ERROR = 1;
    /** Exit status for bad usage (unknown option, bad value). */
    public static final int USAGE_ERROR = 2;

    /**
     * Runs the CLI and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, AsciiFallback.writer(System.out), AsciiFallback.writer(System.err)));
    }

    /** {@code --version}: the version the build wrote into version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (var in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"modelmeter " + p.getProperty("version", "(unknown version)")};
        }
    }

    /**
     * Runs the CLI in-process with the given writers; returns the exit status.
     *
     * @param args the command line
     * @param out  where reports go
     * @param err  where errors and usage hints go
     * @return {@link #OK}, {@link #MODEL_ERROR} or {@link #USAGE_ERROR}
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = null;
        int code;
        try {
            cl = new CommandLine(new Main());
            cl.setOut(out);
            cl.setErr(err);
            cl.setParameterExceptionHandler((ex, a) -> {
                err.println("modelmeter: " + ex.getMessage());
                err.println("Try 'modelmeter " + (ex.getCommandLine().getCommandName().equals("modelmeter") ? "" :
                        ex.getCommandLine().getCommandName() + " ") + "--help'.");
                return USAGE_ERROR;
            });
            cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
                boolean debug = parseResult.hasMatchedOption("--debug")
                        || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
                if (ex instanceof UsageException) {
                    err.println("modelmeter: " + oneLine(ex.getMessage()));
                    return USAGE_ERROR;
                }
                err.println("modelmeter: " + naming(source(parseResult), problem(ex)));
                if (debug) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return MODEL_ERROR;
            });
            code = cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli lets errors through; by now the unwinding has freed the graph, so a line can be printed
            err.println("modelmeter: " + naming(cl == null ? null : source(cl.getParseResult()), problem(e)));
            code = MODEL_ERROR;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * The one-line problem a failure stands for: the documented error's message; a count overflow no
     * checked path caught; the JVM's limits, with the option that raises them; else an internal error.
     *
     * @param failure what was thrown
     * @return the problem, one line, without the {@code modelmeter: FILE: } prefix
     */
    static String problem(Throwable failure) {
        if (failure instanceof ModelMeterException) {
            return oneLine(failure.getMessage());
        }
        if (failure instanceof ArithmeticException && String.valueOf(failure.getMessage()).contains("overflow")) {
            // a product or sum no checked path caught: still the file's sizes, still no wrapped number
            return "a figure exceeds what can be counted (64-bit overflow)";
        }
        if (failure instanceof OutOfMemoryError) {
            return "out of memory: the model's graph needs a larger Java heap (try JAVA_OPTS=-Xmx4g, or more)";
        }
        if (failure instanceof StackOverflowError) {
            return "the graph is nested too deep for the Java stack (try JAVA_OPTS=-Xss64m)";
        }
        return "internal error: " + oneLine(String.valueOf(failure)) + " (please report it; --debug shows the trace)";
    }

    /** {@code FILE: problem}, unless the problem already starts with the file's name (or a file in its folder). */
    static String naming(String source, String problem) {
        if (source == null || problem.startsWith(source + ":")) {
            return problem;
        }
        String asPath;
        try {
            asPath = java.nio.file.Path.of(source).toString();
        } catch (RuntimeException e) {
            asPath = source;
        }
        // a problem that names a file inside the model's folder (a Hugging Face config.json) names it already
        return problem.startsWith(asPath + ":") || problem.startsWith(asPath + java.io.File.separator)
                ? problem : source + ": " + problem;
    }

    /** The MODEL argument of the command that ran, or null before one was parsed. */
    private static String source(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult sub = parsed == null ? null : parsed.subcommand();
        if (sub == null || !sub.hasMatchedPositional(0)) {
            return null;
        }
        Object model = sub.matchedPositionalValue(0, null);
        return model == null ? null : model.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.replace("\r", "").replace('\n', ' ').strip();
    }
}
