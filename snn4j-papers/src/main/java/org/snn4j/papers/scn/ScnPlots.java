package org.snn4j.papers.scn;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;
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

    /**
     * One learning curve per measure: column 3 + m of each row of {@code rows} against log10 of the
     * training time (column 1, s), on a log y axis where {@code logY.test(m)} and every value is positive.
     */
    static void measureCurves(RunContext run, String[] measures, List<double[]> rows, double dtMs, String titleSuffix,
            IntPredicate logY) throws IOException {
        double[] x = new double[rows.size()];
        for (int k = 0; k < x.length; k++) x[k] = Math.log10(Math.max(rows.get(k)[1], dtMs * 1e-3));
        for (int m = 0; m < measures.length; m++) {
            double[] y = new double[rows.size()];
            boolean positive = true;
            for (int k = 0; k < y.length; k++) {
                y[k] = rows.get(k)[3 + m];
                positive &= y[k] > 0 || Double.isNaN(y[k]);
            }
            String file = measures[m] + ".png", label = measures[m].replace('_', ' ');
            Plots.learningCurve(run.plotPath(file), label + " over learning " + titleSuffix, "log10 training time (s)", label, x,
                    new double[][] {y}, null, positive && logY.test(m));
            run.plotted(file, measures[m] + " over learning");
        }
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
