package io.cistern.cli;

import io.cistern.cli.api.ApiClient;
import io.cistern.cli.api.Endpoint;
import io.cistern.cli.config.ReloadCommand;
import io.cistern.cli.dataset.CloneCommand;
import io.cistern.cli.dataset.CreateCommand;
import io.cistern.cli.dataset.DestroyCommand;
import io.cistern.cli.dataset.GetCommand;
import io.cistern.cli.dataset.ImportCommand;
import io.cistern.cli.dataset.ListCommand;
import io.cistern.cli.dataset.RenameCommand;
import io.cistern.cli.dataset.RollbackCommand;
import io.cistern.cli.dataset.SetCommand;
import io.cistern.cli.dataset.SnapshotCommand;
import io.cistern.cli.iscsi.SessionListCommand;
import io.cistern.cli.iscsi.TargetListCommand;
import io.cistern.cli.pool.PoolListCommand;
import io.cistern.cli.pool.PoolScrubCommand;
import io.cistern.cli.pool.PoolStatusCommand;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/cistern}'s management commands, modelled on zfs(8) and zpool(8), run against the
 * daemon's management API (docs/api.md). Exit status: 0 done, 1 refused or failed (the reason on
 * stderr), 2 a command line that cannot be accepted (with the command's usage).
 */
public final class Cli {
    /** Commands by name; those of two words ("pool list") under both. */
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new CreateCommand(), new ImportCommand(), new ListCommand(), new GetCommand(),
                new SetCommand(), new SnapshotCommand(), new CloneCommand(), new RollbackCommand(), new DestroyCommand(),
                new RenameCommand(), new PoolListCommand(), new PoolStatusCommand(), new PoolScrubCommand(),
                new TargetListCommand(), new SessionListCommand(), new ReloadCommand())) {
            String[] words = c.usage().split(" ");
            COMMANDS.put(words[0].equals("pool") || words[0].equals("target") || words[0].equals("session")
                    ? words[0] + " " + words[1] : words[0], c);
        }
    }

    private static final String DAEMON_USAGE = """
            \trun [--config FILE]
            \tcheck --config FILE
            """;
    private static final String GLOBAL_OPTIONS = """
            Each command but run and check talks to the running daemon's API:
            \t--url URL          the API (default $CISTERN_URL, else %s)
            \t--token-file FILE  its token (default $CISTERN_TOKEN, else $CISTERN_DATA_DIR/api.token,
            \t                   where CISTERN_DATA_DIR defaults to the daemon's ./data)
            Sizes are bytes or take a suffix B, K, M, G, T, P, E (1024-based): 400M, 1.5G.
            """.formatted(Endpoint.DEFAULT_URL);

    private Cli() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err, System.console() != null, System.getenv(),
                Clock.systemDefaultZone(), Duration.ofSeconds(1)));
    }

    /** Runs one command line with its output going to no terminal; returns its exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
            Duration pollInterval) {
        return run(args, out, err, false, env, clock, pollInterval);
    }

    /** Runs one command line, {@code terminal} if its output goes to one; returns its exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err, boolean terminal, Map<String, String> env,
            Clock clock, Duration pollInterval) {
        List<String> rest = new ArrayList<>(args);
        String url = null;
        String tokenFile = null;
        Command command = null;
        try {
            while (!rest.isEmpty() && rest.get(0).startsWith("--") && !rest.get(0).equals("--help")) {
                String option = rest.remove(0);
                String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
                if (!name.equals("--url") && !name.equals("--token-file")) {
                    throw new UsageException("unrecognized option '" + option + "'");
                }
                if (!option.contains("=") && rest.isEmpty()) {
                    throw new UsageException("missing argument for '" + name + "'");
                }
                String value = option.contains("=") ? option.substring(option.indexOf('=') + 1) : rest.remove(0);
                if (name.equals("--url")) {
                    url = value;
                } else {
                    tokenFile = value;
                }
            }
            if (rest.isEmpty()) {
                err.print(usage());
                return 2;
            }
            String first = rest.remove(0);
            if (first.equals("help") || first.equals("-h") || first.equals("--help") || first.equals("-?")) {
                out.print(usage());
                return 0;
            }
            ApiClient api = Endpoint.connect(url, tokenFile, env);
            command = COMMANDS.get(first);
            if (command == null && !rest.isEmpty()) {
                command = COMMANDS.get(first + " " + rest.get(0));
                if (command != null) {
                    rest.remove(0);
                }
            }
            if (command == null) {
                err.println("cistern: unrecognized command '" + first + (COMMANDS.keySet().stream()
                        .anyMatch(k -> k.startsWith(first + " ")) && !rest.isEmpty() ? " " + rest.get(0) : "") + "'");
                err.print(usage());
                return 2;
            }
            return command.run(rest, new Context(out, err, terminal, api, clock, pollInterval));
        } catch (UsageException e) {
            err.println("cistern: " + e.getMessage());
            err.println(command == null ? "usage: cistern [--url URL] [--token-file FILE] command args ..."
                    : "usage: cistern " + command.usage());
            return 2;
        } catch (CliException e) {
            err.println("cistern: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    /** Every command's synopsis, as zfs(8) prints them. */
    static String usage() {
        StringBuilder text = new StringBuilder("usage: cistern [--url URL] [--token-file FILE] command args ...\n")
                .append("where 'command' is one of the following:\n\n").append(DAEMON_USAGE);
        String group = "";
        for (Command c : COMMANDS.values()) {
            String layer = c.getClass().getPackageName();
            if (!layer.equals(group)) {
                text.append('\n');
                group = layer;
            }
            text.append('\t').append(c.usage()).append('\n');
        }
        return text.append('\n').append(GLOBAL_OPTIONS).toString();
    }
}
