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

    /** Applies a JSON config file: a flat object of declared keys. */
    public void applyFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw InputException.unreadable("config file", file, e);
        }
        Map<String, Object> m = Json.parseObject(text, file.toString());
        for (Map.Entry<String, Object> e : m.entrySet()) set(e.getKey(), e.getValue(), file.toString());
    }

    /** Applies one {@code key=value} override; the value is parsed by the key's type. */
    public void applyAssignment(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new InputException("--set expects key=value, got '" + assignment + "'");
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        checkKey(key, "--set");
        Object def = values.get(key);
        Object v;
        if (def instanceof String) v = raw;
        else if (def instanceof Boolean) {
            if (!raw.equals("true") && !raw.equals("false"))
                throw new InputException(owner + ": key '" + key + "' expects true or false, got '" + raw + "'");
            v = Boolean.parseBoolean(raw);
        } else {
            try {
                v = def instanceof Long ? (Object) Long.parseLong(raw) : (Object) Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new InputException(owner + ": key '" + key + "' expects " + typeName(def) + ", got '" + raw + "'");
            }
        }
        set(key, v, "--set");
    }

    private void checkKey(String key, String source) {
        if (!values.containsKey(key)) {
            List<String> known = new ArrayList<>(values.keySet());
            throw new InputException(source + ": unknown key '" + key + "' for " + owner + " (known keys: "
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
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects an integer, got " + Json.write(v));
        } else if (def instanceof Double) {
            if (v instanceof Number n) coerced = n.doubleValue();
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects a number, got " + Json.write(v));
            if (!Double.isFinite((Double) coerced))
                throw new InputException(source + ": key '" + key + "' of " + owner + " must be finite");
        } else if (def instanceof Boolean) {
            if (v instanceof Boolean) coerced = v;
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects true or false, got " + Json.write(v));
        } else {
            if (v instanceof String) coerced = v;
            else throw new InputException(source + ": key '" + key + "' of " + owner + " expects a string, got " + Json.write(v));
        }
        double[] r = ranges.get(key);
        if (r != null) {
            double x = ((Number) coerced).doubleValue();
            if (x < r[0] || x > r[1])
                throw new InputException(source + ": key '" + key + "' of " + owner + " must be in [" + fmt(r[0]) + ", "
                        + fmt(r[1]) + "], got " + Json.write(coerced));
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

    public String getString(String key) {
        checkKey(key, "code");
        return (String) values.get(key);
    }
}
