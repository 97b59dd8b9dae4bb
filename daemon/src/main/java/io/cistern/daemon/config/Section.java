package io.cistern.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A part of the configuration as the rules read it: what the user wrote (for the file and line of
 * each value), with the defaults of reference.conf under it. Each reader reports a value of the
 * wrong type and returns empty, so a rule goes on with the next key and every problem is found.
 */
final class Section {
    private final String path;
    private final ConfigObject written;
    private final Config values;
    private final Problems problems;

    Section(String path, ConfigObject written, Config defaults, Problems problems) {
        this.path = path;
        this.written = written;
        this.values = written.toConfig().withFallback(defaults);
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path + "." + key;
    }

    ConfigOrigin origin() {
        return written.origin();
    }

    /** The line this section starts on, to order entries as they were written. */
    int line() {
        return written.origin().lineNumber();
    }

    /** Set here or by a default (a key declared {@code null} and not set is absent). */
    boolean has(String key) {
        return values.hasPath(key);
    }

    /** Written in this entry, not only inherited from the defaults. */
    boolean written(String key) {
        ConfigValue v = written.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    /** Reports {@code key}: at its value when written in this section, else at the section (a missing key). */
    void problem(String key, String message) {
        ConfigValue own = written.get(key);
        problems.add(own != null && own.valueType() != ConfigValueType.NULL ? own.origin() : origin(), pathOf(key),
                message);
    }

    /** Where {@code key}'s value was written, for pointing at an earlier one ("also at tank.conf:12"). */
    String where(String key) {
        ConfigValue own = written.get(key);
        return ConfigProblem.where(own != null ? own.origin() : origin(), pathOf(key));
    }

    void problem(String message) {
        problems.add(origin(), path, message);
    }

    /** Reports a missing key; true if it is there. */
    boolean require(String key, String what) {
        if (has(key)) {
            return true;
        }
        problem(key, "missing: " + what);
        return false;
    }

    Optional<String> string(String key) {
        return read(key, Kind.STRING, values::getString);
    }

    /** A size of at least one byte. */
    Optional<Long> bytes(String key) {
        return bytes(key, 1, Long.MAX_VALUE);
    }

    Optional<Duration> duration(String key) {
        return read(key, Kind.DURATION, values::getDuration);
    }

    Optional<Boolean> bool(String key) {
        return read(key, Kind.BOOLEAN, values::getBoolean);
    }

    /** A whole number from {@code min} to {@code max}. */
    Optional<Long> number(String key, long min, long max) {
        Optional<Long> n = read(key, Kind.INTEGER, values::getLong);
        if (n.isPresent() && (n.get() < min || n.get() > max)) {
            problem(key, "must be from " + min + " to " + max + ", not " + n.get());
            return Optional.empty();
        }
        return n;
    }

    /** A size from {@code min} to {@code max} bytes. */
    Optional<Long> bytes(String key, long min, long max) {
        Optional<Long> n = read(key, Kind.SIZE, values::getBytes);
        if (n.isPresent() && n.get() == 0 && min > 0) {
            problem(key, "a size must be positive, not 0");
            return Optional.empty();
        }
        if (n.isPresent() && (n.get() < min || n.get() > max)) {
            problem(key, "must be from " + min + " to " + max + " bytes, not " + n.get());
            return Optional.empty();
        }
        return n;
    }

    /** One of {@code allowed} (compared without case). */
    Optional<String> oneOf(String key, java.util.Collection<String> allowed) {
        Optional<String> s = string(key);
        if (s.isPresent() && allowed.stream().noneMatch(s.get()::equalsIgnoreCase)) {
            problem(key, "\"" + s.get() + "\" is not one of " + String.join(", ", allowed));
            return Optional.empty();
        }
        return s;
    }

    /** The defaults block {@code key} of this section ({@code target-defaults}), as the entries inherit it. */
    Config config(String key) {
        return values.hasPath(key) && values.getValue(key) instanceof ConfigObject o ? o.toConfig()
                : com.typesafe.config.ConfigFactory.empty();
    }

    /** A list of strings, each with its own origin for reporting. */
    List<Item> strings(String key) {
        List<Item> items = new ArrayList<>();
        if (read(key, Kind.LIST, values::getList).isEmpty()) {
            return items;
        }
        ConfigList list = values.getList(key);
        for (int i = 0; i < list.size(); i++) {
            ConfigValue v = list.get(i);
            String at = pathOf(key) + "[" + i + "]";
            String bad = Kind.STRING.problemWith(v);
            if (bad != null) {
                problems.add(v.origin(), at, bad);
            } else {
                items.add(new Item(at, String.valueOf(v.unwrapped()), v.origin()));
            }
        }
        return items;
    }

    /** A string of a list, with where it was written. */
    record Item(String path, String value, ConfigOrigin origin) {
    }

    void problem(Item item, String message) {
        problems.add(item.origin(), item.path(), message);
    }

    /** The user-named entries of the map {@code key} (targets, pools, volumes), in the order written. */
    List<Section> entries(String key, Config defaults) {
        List<Section> entries = new ArrayList<>();
        if (read(key, Kind.OBJECT, values::getObject).isEmpty()) {
            return entries;
        }
        ConfigObject map = values.getObject(key);
        map.forEach((name, v) -> entry(pathOf(name.contains(".") ? key + ".\"" + name + "\"" : key + "." + name), v,
                defaults).ifPresent(entries::add));
        entries.sort(Comparator.comparingInt(Section::line));
        return entries;
    }

    /** The objects of the list {@code key} (a target's LUNs). */
    List<Section> elements(String key, Config defaults) {
        List<Section> elements = new ArrayList<>();
        if (read(key, Kind.LIST, values::getList).isEmpty()) {
            return elements;
        }
        ConfigList list = values.getList(key);
        for (int i = 0; i < list.size(); i++) {
            entry(pathOf(key) + "[" + i + "]", list.get(i), defaults).ifPresent(elements::add);
        }
        return elements;
    }

    /** The last element of this section's path: the name of a pool, target or volume. */
    String name() {
        return path.substring(path.lastIndexOf('.') + 1).replace("\"", "");
    }

    /** The object {@code key} of this section (iscsi, chap, logging), with its defaults; empty if not an object. */
    Optional<Section> section(String key) {
        if (read(key, Kind.OBJECT, values::getObject).isEmpty()) {
            return Optional.empty();
        }
        ConfigValue own = written.get(key);
        ConfigObject object = own instanceof ConfigObject o ? o : values.getObject(key);
        return Optional.of(new Section(pathOf(key), object, values.getConfig(key), problems));
    }

    private Optional<Section> entry(String at, ConfigValue v, Config defaults) {
        String bad = Kind.OBJECT.problemWith(v);
        if (bad != null) {
            problems.add(v.origin(), at, bad);
            return Optional.empty();
        }
        return Optional.of(new Section(at, (ConfigObject) v, defaults, problems));
    }

    private <T> Optional<T> read(String key, Kind kind, Function<String, T> get) {
        if (!has(key)) {
            return Optional.empty();
        }
        String bad = kind.problemWith(values.getValue(key));
        if (bad != null) {
            problem(key, bad);
            return Optional.empty();
        }
        return Optional.of(get.apply(key));
    }
}
