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
        CommandLine cl = new CommandLine(new Main());
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
                err.println("modelmeter: " + ex.getMessage());
                return USAGE_ERROR;
            }
            if (ex instanceof ModelMeterException) {
                err.println("modelmeter: " + ex.getMessage());
            } else {
                err.println("modelmeter: internal error: " + ex + " (please report it; --debug shows the trace)");
            }
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return MODEL_ERROR;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
