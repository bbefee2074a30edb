package org.snn4j.experiment;

import java.util.Map;

/**
 * A named set of parameter values that reproduces one quoted figure with one short command:
 * {@code snn4j run erbp --preset mnist} instead of six {@code --set}s. Applied over the defaults,
 * before {@code --config} and {@code --set} (which can still change a value).
 *
 * @param name        the name on the command line
 * @param description what it reproduces, with the figure
 * @param values      the parameter values (key → value of the key's type)
 */
public record Preset(String name, String description, Map<String, Object> values) {
}
