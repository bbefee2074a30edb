package org.snn4j.learn.scn;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.snn4j.experiment.RunContext;
import org.snn4j.plot.Figure;
import org.snn4j.plot.Plots;
import org.snn4j.util.AtomicFiles;

/** Plots and tables shared by the spike-coding experiments. */
final class ScnPlots {
    private ScnPlots() {
    }

    /** Raster of an evaluation's first steps. */
    static void raster(RunContext run, String file, String title, ScnEvaluator.Result r, double dtMs, int n, String caption)
            throws IOException {
        double[] t = new double[r.rasterSteps.length];
        for (int k = 0; k < t.length; k++) t[k] = (r.rasterSteps[k] + 1) * dtMs;
        Plots.raster(run.plotPath(file), title, t, r.rasterNeurons, n);
        run.plotted(file, caption);
    }

    /** Signal x and its readout over an evaluation's first steps, one panel line per dimension. */
    static void decoding(RunContext run, String file, String title, ScnEvaluator.Result r, double dtMs, String caption)
            throws IOException {
        int steps = r.x.length == 0 ? 0 : r.x[0].length;
        if (steps == 0) return;
        double[] t = new double[steps];
        for (int k = 0; k < steps; k++) t[k] = (k + 1) * dtMs;
        Figure f = new Figure(title, "time (ms)", "signal (network units)", 1000, 500);
        for (int q = 0; q < Math.min(r.x.length, 3); q++) {
            Color c = Figure.PALETTE[q % Figure.PALETTE.length];
            f.line(t, r.x[q], "x" + (q + 1), c);
            f.line(t, r.xhat[q], "readout " + (q + 1), c.darker().darker());
        }
        f.save(run.plotPath(file));
        run.plotted(file, caption);
    }

    /** Writes a CSV with a header row. */
    static void csv(Path file, String[] header, List<double[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (double[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                if (k > 0) sb.append(',');
                double v = row[k];
                sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
