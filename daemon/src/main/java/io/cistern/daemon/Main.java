package io.cistern.daemon;

import io.cistern.daemon.command.CheckCommand;
import io.cistern.daemon.command.Command;
import io.cistern.daemon.command.RunCommand;
import io.cistern.cli.Cli;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code bin/cistern}: dispatches to the subcommand named first. */
public final class Main {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", new RunCommand());
        COMMANDS.put("check", new CheckCommand());
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs {@code args} and returns the exit status (0 done, 1 failed, 2 usage), without exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (command == null && args.length > 0) {
            // The management commands (create, list, snapshot...): clients of the running daemon's API.
            return Cli.run(List.of(args), out, err, out == System.out && System.console() != null, System.getenv(),
                    Clock.systemDefaultZone(), Duration.ofSeconds(1));
        }
        if (command == null) {
            String prefix = "usage: ";
            for (Command c : COMMANDS.values()) {
                err.println(prefix + "cistern " + c.usage());
                prefix = "       ";
            }
            return Command.USAGE;
        }
        return command.run(List.of(args).subList(1, args.length), out, err);
    }
}
