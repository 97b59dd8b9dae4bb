package io.cistern.cli;

import java.util.List;

/** One subcommand of {@code cistern}. */
public interface Command {
    /** Its synopsis after "cistern ", as zfs(8) prints it: "snapshot volume@snapname...". */
    String usage();

    /**
     * Runs it with the arguments after its name.
     *
     * @return the exit status: 0, or 1 when part of the work failed and was reported on stderr
     * @throws UsageException for arguments it cannot accept (exit 2)
     * @throws CliException for a refused or failed operation (exit 1)
     */
    int run(List<String> args, Context context);
}
