package org.snn4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code snn4j} command line. Exit codes: 0 success, 2 usage or input error (one line on
 * standard error), 1 anything else.
 */
@Command(name = "snn4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Simulate and train spiking neural networks.",
        subcommands = {ListCommand.class, RunCommand.class, ReproduceCommand.class, BenchCommand.class,
                DataCommand.class, ModelCommand.class, NirCommand.class, SweepCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (list, run, reproduce, bench)");
    }

    public static void main(String[] args) {
        // Ctrl-C and SIGTERM: files are written atomically, so the last checkpoint is whole; say how to go on
        Runtime.getRuntime().addShutdownHook(new Thread(Runner::stopped, "snn4j-stop"));
        if (System.getenv("SNN4J_EXIT_WITH_PARENT") != null)   // a sweep's run: it ends with the executor that started it, never outlives it
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(143)));
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("snn4j: error: " + Errors.bounded(oneLine(ex.getMessage())) + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> Errors.report(ex, c.getErr()));
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {   // Errors pass picocli's handler: one line here too
            return Errors.report(e, cl.getErr());
        }
    }

    static String oneLine(String s) {
        if (s == null) return "";
        return s.replace('\n', ' ').replace('\r', ' ').trim();
    }

    /** Version from the build. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"snn4j " + org.snn4j.util.Provenance.version()};
        }
    }
}
