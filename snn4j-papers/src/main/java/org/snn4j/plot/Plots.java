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

    /** A confusion matrix: rows the true class, columns the predicted one; cells shaded by their share of the row, with counts. */
    public static void confusion(Path file, String title, int[][] counts, String[] labels) throws IOException {
        int k = counts.length, cell = Math.max(28, Math.min(60, 560 / Math.max(1, k))), left = 70, top = 60;
        int w = left + k * cell + 30, h = top + k * cell + 60;
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        g.drawString("predicted class", left + k * cell / 2 - 40, top - 22);
        g.drawString("true", 8, top + k * cell / 2);
        for (int r = 0; r < k; r++) {
            long rowSum = 0;
            for (int c = 0; c < k; c++) rowSum += counts[r][c];
            g.setColor(Color.BLACK);
            g.drawString(labels[r], left - 20, top + r * cell + cell / 2 + 4);
            g.drawString(labels[r], left + r * cell + cell / 2 - 4, top - 6);
            for (int c = 0; c < k; c++) {
                double share = rowSum == 0 ? 0 : counts[r][c] / (double) rowSum;
                int shade = (int) Math.round(255 * (1 - share));
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                String s = String.valueOf(counts[r][c]);
                g.drawString(s, left + c * cell + cell / 2 - 3 * s.length(), top + r * cell + cell / 2 + 4);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, k * cell, k * cell);
        g.dispose();
        org.snn4j.util.AtomicFiles.write(file, out -> javax.imageio.ImageIO.write(img, "png", out));
    }
}
