package org.m2mbridge.distribution;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * The command line of {@code bin/m2m-bridge} (picocli): its options, commands, help and exit codes. Parsing only;
 * {@link Main} acts on the {@link Invocation}. {@code start}, {@code stop} and {@code status} are the launcher
 * script's (it runs the JVM in the background and keeps the pid file); they are listed here so that {@code --help}
 * shows every command the operator can type.
 */
final class BridgeCli {

    /** What was asked for. */
    enum Action {
        RUN, CHECK_CONFIG, STORE_REGISTRATIONS, STORE_QUEUES, STORE_REMOVE, STORE_PURGE,
        /** start/stop/status reached the JVM instead of the script. */
        SCRIPT_ONLY,
        /** --help or --version was printed: exit 0. */
        PRINTED
    }

    /**
     * A parsed command line.
     *
     * @param config the {@code --config} file, or null for the instance's default
     * @param entity the entity ID of {@code store remove|purge}
     * @param name   the command as typed (for messages)
     */
    record Invocation(Action action, Path config, boolean demo, String entity, String name) {
    }

    /** Thrown for a command line that cannot be understood; the message is for the operator. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String FOOTER = """

            Environment (bin/m2m-bridge; docs/operations.md):
              M2MBRIDGE_HOME        the installation (bin/, lib/); default: the script's parent directory
              M2MBRIDGE_CONFIG_DIR  where bridge.yaml and logback.xml are; default: $M2MBRIDGE_HOME/config
              M2MBRIDGE_DATA_DIR    the durable store (unless store.dataDir is set); default: $M2MBRIDGE_HOME/data
              M2MBRIDGE_LOG_DIR     log files; default: $M2MBRIDGE_HOME/logs
              M2MBRIDGE_LOG_FORMAT  text (default) or json
              JAVA_HOME, JAVA_OPTS  the JVM and its options (a -Dlogback.configurationFile there wins)
            SIGTERM stops gracefully. SIGHUP (systemctl reload) reloads the configuration file without dropping
            device connections, as POST /-/reload on the admin listener does (docs/operations.md, "Reload").""";

    /** {@code --config} and {@code --demo}, shared by the top level and {@code run}. */
    static final class RunOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default: "
                + "$M2MBRIDGE_CONFIG_DIR/bridge.yaml, else config/bridge.yaml under the installation)")
        Path config;

        @Option(names = "--demo", description = "start the DEMO peers in-process (a CSE stand-in and a scripted AE); "
                + "the store is kept in memory, never in the data directory")
        boolean demo;
    }

    /** {@code --config} alone, for the commands that do not start the bridge. */
    static final class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default as for run)")
        Path config;
    }

    @Command(name = "m2m-bridge", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            sortOptions = false, usageHelpWidth = 110,
            header = "m2m-bridge: oneM2M protocol bridge (devices on WebSocket TS-0020, HTTP or MQTT; CSEs over "
                    + "HTTP TS-0009, MQTT TS-0010 or WebSocket).",
            description = "Without a command: run.",
            subcommands = {Run.class, Start.class, Stop.class, Status.class, CheckConfig.class, Store.class},
            exitCodeListHeading = EXIT_CODES_HEADING, exitCodeList = {
                "0:stopped normally (also after SIGTERM); configuration valid; store command done",
                "1:could not start: a port is taken, the store is locked by another instance, a binding failed; "
                        + "store command: the store cannot be opened or the entity is not there",
                "2:configuration or usage error: the message names the key (and its line), or the argument"},
            footer = FOOTER)
    static final class Top {
        @Mixin
        RunOptions options = new RunOptions();

        @Option(names = "--check-config", description = "the same as the check-config command")
        boolean checkConfig;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Run in the foreground (the default); SIGTERM or Ctrl-C stops gracefully. "
                    + "For systemd and containers.")
    static final class Run {
        @Mixin
        RunOptions options = new RunOptions();
    }

    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Run in the background (bin/m2m-bridge): output before logging starts "
            + "to console.log, pid in the pid file; prints the listening lines.")
    static final class Start {
        @Mixin
        RunOptions options = new RunOptions();
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "SIGTERM the background bridge and wait for its graceful stop "
            + "(bin/m2m-bridge).")
    static final class Stop {
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Exit 0 running, 1 dead but pid file left, 3 not running "
            + "(bin/m2m-bridge; LSB codes).")
    static final class Status {
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Check everything start checks, without binding: the file (keys, types, duplicates, "
                    + "URLs), key and trust stores, host names, the data directory. Upstream hosts that do not "
                    + "resolve are warnings.")
    static final class CheckConfig {
        @Mixin
        ConfigOption option = new ConfigOption();
    }

    @Command(name = "store", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Inspect or change a STOPPED bridge's durable store. A running bridge holds the store's "
                    + "lock: use its admin API then (GET /api/registrations, DELETE /api/registrations/{id}, "
                    + "DELETE /api/registrations/{id}/queue).",
            subcommands = {Registrations.class, Queues.class, Remove.class, Purge.class})
    static final class Store {
    }

    @Command(name = "registrations", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "List the registered entities with what is stored for each.")
    static final class Registrations {
        @Mixin
        ConfigOption option = new ConfigOption();
    }

    @Command(name = "queues", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "List the stored requests per entity: count, bytes and the oldest.")
    static final class Queues {
        @Mixin
        ConfigOption option = new ConfigOption();
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Remove an entity's registration and everything stored for it (the registrar is not "
                    + "told: the device registers again).")
    static final class Remove {
        @Mixin
        ConfigOption option = new ConfigOption();

        @Parameters(paramLabel = "ENTITY-ID", description = "AE-ID or CSE-ID as listed by store registrations")
        String entity;
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = BuildInfo.Version.class,
            description = "Drop every request stored for an entity; its registration stays.")
    static final class Purge {
        @Mixin
        ConfigOption option = new ConfigOption();

        @Parameters(paramLabel = "ENTITY-ID", description = "AE-ID or CSE-ID as listed by store queues")
        String entity;
    }

    private BridgeCli() {
    }

    static CommandLine commandLine() {
        return new CommandLine(new Top()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Parses {@code args}. {@code --help}/{@code --version} are printed to {@code out} here (action PRINTED); a
     * command line that cannot be understood is a {@link UsageException}.
     */
    static Invocation parse(String[] args, java.io.PrintStream out) {
        CommandLine cli = commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        ParseResult top;
        try {
            top = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (CommandLine.printHelpIfRequested(top)) {
            return new Invocation(Action.PRINTED, null, false, null, "help");
        }
        List<CommandLine> parsed = top.asCommandLineList();
        CommandLine last = parsed.get(parsed.size() - 1);
        Object c = last.getCommand();
        Top t = cli.getCommand();
        Path topConfig = t.options.config;
        if (c instanceof Top) {
            return t.checkConfig ? new Invocation(Action.CHECK_CONFIG, topConfig, false, null, "check-config")
                    : new Invocation(Action.RUN, topConfig, t.options.demo, null, "run");
        }
        if (c instanceof Run r) {
            return new Invocation(Action.RUN, first(r.options.config, topConfig), r.options.demo || t.options.demo,
                    null, "run");
        }
        if (c instanceof CheckConfig k) {
            return new Invocation(Action.CHECK_CONFIG, first(k.option.config, topConfig), false, null, "check-config");
        }
        if (c instanceof Registrations r) {
            return new Invocation(Action.STORE_REGISTRATIONS, first(r.option.config, topConfig), false, null,
                    "store registrations");
        }
        if (c instanceof Queues q) {
            return new Invocation(Action.STORE_QUEUES, first(q.option.config, topConfig), false, null, "store queues");
        }
        if (c instanceof Remove r) {
            return new Invocation(Action.STORE_REMOVE, first(r.option.config, topConfig), false, r.entity,
                    "store remove");
        }
        if (c instanceof Purge p) {
            return new Invocation(Action.STORE_PURGE, first(p.option.config, topConfig), false, p.entity, "store purge");
        }
        if (c instanceof Store) {
            throw new UsageException("store needs a command: registrations, queues, remove or purge");
        }
        return new Invocation(Action.SCRIPT_ONLY, null, false, null, last.getCommandName());
    }

    private static Path first(Path a, Path b) {
        return a != null ? a : b;
    }

    /** The synopsis and where the rest is, for a usage error. */
    static String usage() {
        CommandLine.Help help = commandLine().getHelp();
        return "Usage: " + help.synopsis(0) + "Run 'm2m-bridge --help' for the commands, options and exit codes.\n";
    }
}
