package org.snn4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/**
 * The one resume rule of every training run: the same command with the same {@code --out} resumes
 * from the checkpoint there; a command with other settings is refused in one line that names every
 * changed key (an {@link InputException}: exit code 2); a resumed run ends bit-identical to an
 * uninterrupted one (each trainer's tests show it).
 *
 * <p>The settings of a run are its fingerprint: the resolved parameters (defaults included) and the
 * seed, minus the keys allowed to change ({@link #ALWAYS_FREE} plus the run's own, e.g. {@code
 * epochs} where more epochs continue the same run). The checkpoint stores them; {@link #check}
 * compares them with the resuming run's.
 */
public final class Checkpoint {
    /** Keys that never change results: where the data are and how many threads compute. */
    public static final List<String> ALWAYS_FREE = List.of("data_dir", "threads");

    private Checkpoint() {
    }

    /**
     * The settings fingerprint of a run.
     *
     * @param params the resolved parameters
     * @param seed   the seed
     * @param free   keys that may change between the checkpointed run and the resumed one (besides {@link #ALWAYS_FREE})
     * @return params minus the free keys, plus {@code seed}
     */
    public static Map<String, Object> settings(Map<String, Object> params, long seed, Collection<String> free) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : params.entrySet())
            if (!free.contains(e.getKey()) && !ALWAYS_FREE.contains(e.getKey())) m.put(e.getKey(), e.getValue());
        m.put("seed", seed);
        return m;
    }

    /**
     * The same rule checked before a run writes anything into its folder: if {@code file} exists, its
     * settings must agree with {@code now} on every key both have (the trainer's own keys are checked
     * later, when it reads the checkpoint), and it must be a readable snn4j checkpoint. So a refused
     * resume leaves the folder as it was, {@code config.json} included.
     *
     * @param file the checkpoint in the run folder (nothing to check if absent)
     * @param now  the run's settings ({@link #settings})
     * @param free the keys that may change, named in the message
     */
    public static void precheck(Path file, Map<String, Object> now, Collection<String> free) {
        if (!java.nio.file.Files.exists(file)) return;
        String meta = SafeTensors.read(file).metadata().get(ModelFile.META_KEY);
        Map<String, Object> m = meta == null ? null : Json.parseObject(meta, file.toString());
        if (m == null || !(m.get("settings") instanceof Map<?, ?> saved))
            throw new InputException(file + ": not an snn4j training checkpoint (no settings); use another --out or delete it");
        Map<String, Object> both = new LinkedHashMap<>(), savedBoth = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : now.entrySet())
            if (saved.containsKey(e.getKey())) {
                both.put(e.getKey(), e.getValue());
                savedBoth.put(e.getKey(), saved.get(e.getKey()));
            }
        check(file, savedBoth, both, Map.of(), free);
    }

    /**
     * Refuses a checkpoint whose settings differ from the run's, in one line naming every changed key.
     *
     * @param file     the checkpoint (for the message)
     * @param saved    the settings it holds
     * @param now      the resuming run's settings
     * @param defaults values of keys added to snn4j since the checkpoint was written: such a key is
     *                 accepted at this value (which by convention keeps the old behaviour); may be empty
     * @param free     the keys that may change, named in the message
     */
    public static void check(Path file, Map<String, Object> saved, Map<String, Object> now, Map<String, Object> defaults,
                             Collection<String> free) {
        List<String> diff = new ArrayList<>();
        for (String k : now.keySet()) {
            String v = Json.write(now.get(k));
            if (!saved.containsKey(k)) {
                if (!defaults.containsKey(k) || !v.equals(Json.write(defaults.get(k)))) diff.add(k + " (not in the checkpoint) -> " + v);
            } else if (!v.equals(Json.write(saved.get(k)))) {
                diff.add(k + " " + Json.write(saved.get(k)) + " -> " + v);
            }
        }
        for (String k : saved.keySet()) if (!now.containsKey(k)) diff.add(k + " " + Json.write(saved.get(k)) + " -> (unknown)");
        if (diff.isEmpty()) return;
        TreeSet<String> may = new TreeSet<>(free);
        may.addAll(ALWAYS_FREE);
        throw new InputException(file + ": checkpoint of a run with other settings (" + String.join(", ", diff)
                + "); rerun with the same settings (only " + String.join(", ", may) + " may change), use another --out, or delete it");
    }
}
