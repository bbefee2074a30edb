package org.snn4j.nir;

import java.nio.file.Path;

/**
 * NIR interchange in three calls: read a graph that another tool wrote, run it, write one.
 * <pre>{@code
 *   NirGraph g = Nir.read(Path.of("lif_norse.nir"));         // any NIR 1.0 file (Norse, snnTorch, Sinabs, ...)
 *   NirNetwork net = Nir.load(Path.of("cnn.nir"), 1e-3);     // compiled at dt = 1 ms
 *   NirNetwork.Result r = net.run(input, batch, List.of(), 0);
 *   Nir.write(g, Path.of("copy.nir"));
 * }</pre>
 * Every fault is a {@link NirException} with a one-line message naming the file, node and field.
 */
public final class Nir {
    private Nir() {
    }

    /** Reads a NIR file (see {@link NirReader}). */
    public static NirGraph read(Path file) {
        return NirReader.read(file);
    }

    /** Reads a NIR file and compiles it at time step dt (seconds) into a runnable network. */
    public static NirNetwork load(Path file, double dtSeconds) {
        NirGraph g = NirReader.read(file);
        try {
            return NirNetwork.compile(g, dtSeconds);
        } catch (NirException e) {
            throw new NirException("file " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Writes a graph as a NIR file, atomically (see {@link NirWriter}). */
    public static void write(NirGraph graph, Path file) {
        NirWriter.write(graph, file);
    }
}
