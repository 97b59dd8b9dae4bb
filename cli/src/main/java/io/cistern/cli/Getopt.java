package io.cistern.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Short options as getopt(3) parses them for zfs(8): clustered flags ({@code -rHp}), an argument
 * joined or separate ({@code -ospace}, {@code -o space}), options and operands in any order (GNU
 * getopt permutes, so {@code zfs list tank -r} works on Linux), {@code --} ends the options.
 */
public final class Getopt {
    private final Map<Character, List<String>> options = new LinkedHashMap<>();
    private final List<Option> sequence = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();

    /** One option as given, for options whose relative order matters ({@code -s a -S b}). */
    public record Option(char letter, String value) {
    }

    /**
     * @param spec the option letters, each followed by {@code :} if it takes an argument ("rHo:t:")
     * @throws UsageException for an unknown option or a missing argument
     */
    public Getopt(List<String> args, String spec) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                return;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                operands.add(arg);
                continue;
            }
            for (int j = 1; j < arg.length(); j++) {
                char c = arg.charAt(j);
                int at = spec.indexOf(c);
                if (at < 0 || c == ':') {
                    throw new UsageException("invalid option '" + c + "'");
                }
                boolean takesArgument = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
                List<String> values = options.computeIfAbsent(c, k -> new ArrayList<>());
                String value;
                if (!takesArgument) {
                    value = "";
                } else if (j + 1 < arg.length()) {
                    value = arg.substring(j + 1);
                    j = arg.length();
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("missing argument for '" + c + "' option");
                }
                values.add(value);
                sequence.add(new Option(c, value));
            }
        }
    }

    public boolean has(char option) {
        return options.containsKey(option);
    }

    /** The option's last argument (a later {@code -o} replaces an earlier one, as in zfs), or null. */
    public String value(char option) {
        List<String> values = options.get(option);
        return values == null ? null : values.get(values.size() - 1);
    }

    /** Every argument of a repeatable option ({@code -o a=1 -o b=2}), in order. */
    public List<String> values(char option) {
        return options.getOrDefault(option, List.of());
    }

    /** The given options among these letters, in command-line order. */
    public List<Option> inOrder(String letters) {
        return sequence.stream().filter(o -> letters.indexOf(o.letter()) >= 0).toList();
    }

    public List<String> operands() {
        return operands;
    }

    /** The operands, checked to number between min and max. */
    public List<String> operands(int min, int max) {
        if (operands.size() < min) {
            throw new UsageException(min == 1 ? "missing argument" : "missing arguments");
        }
        if (operands.size() > max) {
            throw new UsageException("too many arguments");
        }
        return operands;
    }
}
