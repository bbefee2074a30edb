package org.snn4j.cell;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of cell types, and their description as plain data: a cell record's components,
 * by name, are its parameters, so a cell reads from and writes to a model file, a config or an
 * interchange format without code of its own. Built-in types: {@code lif}, {@code cuba_lif},
 * {@code alif}, {@code leaky_integrator}; a new cell record registers itself with one call to
 * {@link #register}.
 */
public final class Cells {
    private static final Map<String, Class<? extends Cell>> TYPES = new ConcurrentHashMap<>();

    static {
        register("lif", LifCell.class);
        register("cuba_lif", CubaLifCell.class);
        register("alif", AlifCell.class);
        register("leaky_integrator", LeakyIntegratorCell.class);
    }

    private Cells() {
    }

    /** Registers a cell record under {@code type} (a new name, or the same class again). */
    public static void register(String type, Class<? extends Cell> cellRecord) {
        if (!cellRecord.isRecord()) throw new IllegalArgumentException(cellRecord.getName() + " is not a record");
        Class<? extends Cell> old = TYPES.putIfAbsent(type, cellRecord);
        if (old != null && old != cellRecord) throw new IllegalArgumentException("cell type '" + type + "' is taken by " + old.getName());
    }

    /** The registered type names, sorted. */
    public static List<String> types() {
        return TYPES.keySet().stream().sorted().toList();
    }

    /** The registered name of a cell's type. */
    public static String type(Cell cell) {
        for (Map.Entry<String, Class<? extends Cell>> e : TYPES.entrySet()) if (e.getValue() == cell.getClass()) return e.getKey();
        throw new IllegalArgumentException(cell.getClass().getName() + " is not a registered cell type");
    }

    /** The cell's parameters by component name: numbers as Double, enums as lower-case names. */
    public static Map<String, Object> parameters(Cell cell) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            for (RecordComponent c : cell.getClass().getRecordComponents()) {
                Object v = c.getAccessor().invoke(cell);
                m.put(c.getName(), v instanceof Enum<?> e ? e.name().toLowerCase() : v);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + cell.getClass().getName(), e);
        }
        return m;
    }

    /**
     * The cell of registered {@code type} with these parameters (as {@link #parameters} writes
     * them; numbers may be any {@link Number}). An unknown type, a missing or surplus parameter or a
     * value of the wrong kind gives one line naming it.
     */
    public static Cell create(String type, Map<String, ?> params) {
        Class<? extends Cell> cls = TYPES.get(type);
        if (cls == null) throw new IllegalArgumentException("unknown cell type '" + type + "' (known: " + types() + ")");
        RecordComponent[] comps = cls.getRecordComponents();
        Object[] args = new Object[comps.length];
        Class<?>[] sig = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            String name = comps[i].getName();
            Class<?> t = comps[i].getType();
            sig[i] = t;
            Object v = params.get(name);
            if (v == null) throw new IllegalArgumentException("cell " + type + ": parameter '" + name + "' is missing");
            if (t == double.class && v instanceof Number n) args[i] = n.doubleValue();
            else if (t == int.class && v instanceof Number n) args[i] = n.intValue();
            else if (t.isEnum() && v instanceof String s) args[i] = enumValue(type, name, t, s);
            else throw new IllegalArgumentException("cell " + type + ": parameter '" + name + "' must be a " + t.getSimpleName() + ", not " + v);
        }
        for (String k : params.keySet())
            if (java.util.Arrays.stream(comps).noneMatch(c -> c.getName().equals(k)))
                throw new IllegalArgumentException("cell " + type + " has no parameter '" + k + "'");
        try {
            Constructor<? extends Cell> ctor = cls.getDeclaredConstructor(sig);
            return ctor.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalStateException("cannot create cell " + type, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create cell " + type, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(String type, String name, Class<?> t, String s) {
        for (Object c : t.getEnumConstants()) if (((Enum) c).name().equalsIgnoreCase(s)) return c;
        throw new IllegalArgumentException("cell " + type + ": parameter '" + name + "' cannot be '" + s + "'");
    }
}
