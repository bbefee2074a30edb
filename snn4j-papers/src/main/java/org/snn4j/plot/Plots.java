package org.snn4j.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;

/** The standard plots: spike raster, population rate, voltage traces, learning curve. */
public final class Plots {
    private Plots() {
    }

    /** Spike raster: one dot per spike, time (ms) against neuron index. */
    public static void raster(Path file, String title, double[] timesMs, int[] neurons, int nNeurons) throws IOException {
        double[] y = new double[neurons.length];
        for (int k = 0; k < y.length; k++) y[k] = neurons[k];
        float size = neurons.length > 50_000 ? 1.2f : 2.0f;
        Figure f = new Figure(title, "time (ms)", "neuron index", 1000, 600)
                .points(timesMs, y, null, new Color(20, 20, 20), size)
                .yRange(-0.5, nNeurons - 0.5);
        f.save(file);
    }

    /** Population rate (Hz) against time (ms). */
    public static void rate(Path file, String title, double[] timesMs, double[] rateHz) throws IOException {
        new Figure(title, "time (ms)", "population rate (Hz)").line(timesMs, rateHz, null).save(file);
    }

    /** Membrane (or any state) traces; one line per neuron. */
    public static void traces(Path file, String title, double[] timesMs, double[][] traces, String[] labels, String yLabel)
            throws IOException {
        Figure f = new Figure(title, "time (ms)", yLabel);
        for (int k = 0; k < traces.length; k++) f.line(timesMs, traces[k], labels == null ? null : labels[k]);
        f.save(file);
    }

    /** A learning curve: a measure against training progress (several named curves). */
    public static void learningCurve(Path file, String title, String xLabel, String yLabel, double[] x, double[][] ys,
                                     String[] labels, boolean logY) throws IOException {
        Figure f = new Figure(title, xLabel, yLabel);
        for (int k = 0; k < ys.length; k++) f.line(x, ys[k], labels == null ? null : labels[k]);
        if (logY) f.logY();
        f.save(file);
    }
}
