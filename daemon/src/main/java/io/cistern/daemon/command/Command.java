package io.cistern.daemon.command;

import java.io.PrintStream;
import java.util.List;

/** A subcommand of {@code bin/cistern}. */
public interface Command {
    /** Exit statuses, as sshd -t and zfs use them. */
    int OK = 0;
    int FAILED = 1;
    int USAGE = 2;

    /** One line: how to call it, e.g. {@code check [--config FILE]}. */
    String usage();

    /** @param args the arguments after the subcommand's name; @return the exit status */
    int run(List<String> args, PrintStream out, PrintStream err);
}
