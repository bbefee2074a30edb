package org.snn4j.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/**
 * The parameters of an experiment or benchmark workload: a fixed set of declared keys, each with a
 * default, a type (taken from the default) and a one-line description. Values are overridden from a
 * JSON config file and from {@code key=value} strings; an unknown key, a value of the wrong type or
 * one outside its declared range is an {@link InputException}.
 */
public final class Params {
    private final String owner;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();
    private final Map<String, double[]> ranges = new LinkedHashMap<>();
    private final Map<String, List<String>> choices = new LinkedHashMap<>();

    /** @param owner the experiment or workload name, for error messages */
    public Params(String owner) {
        this.owner = owner;
    }

    /** Declares a key with its default (Long, Double, Boolean or String) and description. */
    public Params declare(String key, Object defaultValue, String description) {
        if (defaultValue instanceof Integer i) defaultValue = i.longValue();
        values.put(key, defaultValue);
        help.put(key, description);
        return this;
    }

    /** Declares a numeric key that must lie in [min, max]. */
    public Params declare(String key, Object defaultValue, String description, double min, double max) {
        declare(key, defaultValue, description);
        ranges.put(key, new double[] {min, max});
        return this;
    }

    /**
     * Declares a string key whose value is one of a fixed set (an enumeration): any other value is
     * refused when it is set, before a run starts, in one line listing the choices.
     */
    public Params declareChoice(String key, String defaultValue, String description, String... allowed) {
        if (!List.of(allowed).contains(defaultValue)) throw new IllegalArgumentException(key + ": default not among the choices");
        declare(key, defaultValue, description);
        choices.put(key, List.of(allowed));
        return this;
    }

    /** @return the declared [min, max] of a numeric key, or null if it has none */
    public double[] range(String key) {
        double[] r = ranges.get(key);
        return r == null ? null : r.clone();
    }

    /** @return the allowed values of a key declared with {@link #declareChoice}, or null */
    public List<String> choices(String key) {
        return choices.get(key);
    }

    /** Applies a preset's values (checked like any other source, named in messages). */
    public void applyPreset(Preset preset) {
        for (Map.Entry<String, Object> e : preset.values().entrySet()) set(e.getKey(), e.getValue(), "preset " + preset.name());
    }

    /** Changes the default of a declared key (e.g. for the quick size). */
    public Params put(String key, Object value) {
        set(key, value, "default");
        return this;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public Map<String, String> descriptions() {
        return Collections.unmodifiableMap(help);
    }

    /**
     * Applies a JSON config file: a flat object of declared keys, or the {@code config.json} of an
     * earlier run of the same experiment (its {@code params}; the seed is the command's).
     */
    public void applyFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw InputException.unreadable("config file", file, e);
        }
        Map<String, Object> m = Json.parseObject(text, file.toString());
        if (m.get("params") instanceof Map<?, ?> runParams && m.containsKey("experiment")) {   // a run's own config.json: its parameters
            if (!owner.equals(m.get("experiment")))
                throw new InputException(file + ": the config.json of a " + InputException.quote(String.valueOf(m.get("experiment")))
                        + " run, not of " + owner);
            for (Map.Entry<?, ?> e : runParams.entrySet()) set(String.valueOf(e.getKey()), e.getValue(), file.toString());
            return;
        }
        for (Map.Entry<String, Object> e : m.entrySet()) set(e.getKey(), e.getValue(), file.toString());
    }

    /** Applies one {@code key=value} override; the value is parsed by the key's type. */
    public void applyAssignment(String assignment) {
        applyAssignment(assignment, "--set");
    }

    /** As {@link #applyAssignment(String)}, naming {@code source} (the option as given) in messages. */
    private void applyAssignment(String assignment, String source) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new InputException("--set expects key=value, got '" + InputException.quote(assignment) + "'");
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        checkKey(key, source);
        Object def = values.get(key);
        Object v;
        if (def instanceof String) v = raw;
        else if (def instanceof Boolean) {
            if (!raw.equals("true") && !raw.equals("false"))
                throw new InputException(owner + ": key '" + key + "' expects true or false, got '" + InputException.quote(raw) + "'");
            v = Boolean.parseBoolean(raw);
        } else {
            try {
                v = def instanceof Long ? (Object) Long.parseLong(raw) : (Object) Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new InputException(owner + ": key '" + key + "' expects " + typeName(def) + ", got '" + InputException.quote(raw) + "'");
            }
        }
        set(key, v, source);
    }

    /**
     * Applies command-line options {@code --some-key V}, {@code --some-key=V} or a bare {@code --flag}
     * (true) as the assignments {@code some_key=V}: what {@code snn4j bench} takes, and {@code snn4j
     * run} besides {@code --set}, with the same checks.
     *
     * @param options the options in order
     * @param command the command for the message about a stray argument ("bench cuba", "run erbp")
     */
    public void applyOptions(List<String> options, String command) {
        for (int k = 0; k < options.size(); k++) {
            String o = options.get(k);
            if (!o.startsWith("--") || o.length() == 2)
                throw new InputException(command + ": unexpected argument '" + InputException.quote(o) + "'");
            String key = o.substring(2), value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (k + 1 < options.size() && !options.get(k + 1).startsWith("--")) {
                value = options.get(++k);
            } else {
                value = "true";
            }
            applyAssignment(key.replace('-', '_') + "=" + value, "--" + key);
        }
    }

    private void checkKey(String key, String source) {
        if (!values.containsKey(key)) {
            List<String> known = new ArrayList<>(values.keySet());
            throw new InputException(source + ": unknown key '" + InputException.quote(key) + "' for " + owner + " (known keys: "
                    + String.join(", ", known) + ")");
        }
    }

    private static String typeName(Object def) {
        if (def instanceof Long) return "an integer";
        if (def instanceof Double) return "a number";
        if (def instanceof Boolean) return "true or false";
        return "a string";
    }

    private void set(String key, Object v, String source) {
        checkKey(key, source);
        Object def = values.get(key);
        Object coerced;
        if (def instanceof Long) {
            if (v instanceof Long) coerced = v;
            else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) coerced = d.longValue();
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects an integer, got " + InputException.quote(Json.write(v)));
        } else if (def instanceof Double) {
            if (v instanceof Number n) coerced = n.doubleValue();
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects a number, got " + InputException.quote(Json.write(v)));
            if (!Double.isFinite((Double) coerced))
                throw new InputException(source + ": key '" + key + "' of " + owner + " must be finite");
        } else if (def instanceof Boolean) {
            if (v instanceof Boolean) coerced = v;
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects true or false, got " + InputException.quote(Json.write(v)));
        } else {
            if (v instanceof String) coerced = v;
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects a string, got " + InputException.quote(Json.write(v)));
        }
        List<String> allowed = choices.get(key);
        if (allowed != null && !allowed.contains(coerced))
            throw new InputException(source + ": key '" + key + "' of " + owner + " must be one of " + String.join(", ", allowed)
                    + ", got " + InputException.quote(Json.write(coerced)));
        double[] r = ranges.get(key);
        if (r != null) {
            double x = ((Number) coerced).doubleValue();
            if (x < r[0] || x > r[1])
                throw new InputException(source + ": key '" + key + "' of " + owner + " must be in [" + fmt(r[0]) + ", "
                        + fmt(r[1]) + "], got " + InputException.quote(Json.write(coerced)));
        }
        values.put(key, coerced);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    public long getLong(String key) {
        checkKey(key, "code");
        return ((Number) values.get(key)).longValue();
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw new InputException(owner + ": key '" + key + "' too large: " + v);
        return (int) v;
    }

    public double getDouble(String key) {
        checkKey(key, "code");
        return ((Number) values.get(key)).doubleValue();
    }

    public boolean getBoolean(String key) {
        checkKey(key, "code");
        return (Boolean) values.get(key);
    }

    /**
     * A comma-separated list of integers, each in [min, max] ("200" or "200,200").
     *
     * @throws InputException naming the key, the bounds and (cut short) the value
     */
    public int[] getIntList(String key, int min, int max) {
        double[] d = numbers(key, min, max, true);
        int[] v = new int[d.length];
        for (int k = 0; k < d.length; k++) v[k] = (int) d[k];
        return v;
    }

    /**
     * A comma-separated list of finite numbers, each in [min, max].
     *
     * @throws InputException naming the key, the bounds and (cut short) the value
     */
    public double[] getDoubleList(String key, double min, double max) {
        return numbers(key, min, max, false);
    }

    private double[] numbers(String key, double min, double max, boolean integers) {
        String s = getString(key);
        String[] parts = s.split(",", -1);
        double[] v = new double[parts.length];
        try {
            for (int k = 0; k < v.length; k++) {
                v[k] = integers ? Long.parseLong(parts[k].trim()) : Double.parseDouble(parts[k].trim());
                if (!(v[k] >= min && v[k] <= max)) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new InputException(owner + ": " + key + " must be comma-separated " + (integers ? "integers" : "numbers") + " in [" + fmt(min)
                    + ", " + fmt(max) + "], got '" + InputException.quote(s) + "'");
        }
        return v;
    }

    public String getString(String key) {
        checkKey(key, "code");
        return (String) values.get(key);
    }
}
