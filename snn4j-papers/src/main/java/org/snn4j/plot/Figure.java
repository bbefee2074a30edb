package org.snn4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.snn4j.util.AtomicFiles;

/**
 * A single-panel 2-D chart rendered to PNG with Java2D (headless): lines, points, a title, labelled
 * axes with units, ticks and an optional legend. Small on purpose: the plots of every experiment are
 * made with it, through {@link Plots}.
 */
public final class Figure {
    /** Line colours, in order of use (colour-blind-safe Tableau palette). */
    public static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127)};

    private final String title, xLabel, yLabel;
    private final int width, height;
    private final List<Series> series = new ArrayList<>();
    private double xMin = Double.NaN, xMax = Double.NaN, yMin = Double.NaN, yMax = Double.NaN;
    private boolean logY;

    private record Series(double[] x, double[] y, Color color, String label, boolean points, float size) {
    }

    public Figure(String title, String xLabel, String yLabel) {
        this(title, xLabel, yLabel, 900, 500);
    }

    public Figure(String title, String xLabel, String yLabel, int width, int height) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.width = width;
        this.height = height;
    }

    /** Adds a polyline; NaN values break the line. */
    public Figure line(double[] x, double[] y, String label) {
        return line(x, y, label, PALETTE[series.size() % PALETTE.length]);
    }

    public Figure line(double[] x, double[] y, String label, Color color) {
        check(x, y);
        series.add(new Series(x, y, color, label, false, 1.6f));
        return this;
    }

    /** Adds points (a scatter or raster) of the given size in pixels. */
    public Figure points(double[] x, double[] y, String label, Color color, float size) {
        check(x, y);
        series.add(new Series(x, y, color, label, true, size));
        return this;
    }

    public Figure xRange(double lo, double hi) {
        xMin = lo;
        xMax = hi;
        return this;
    }

    public Figure yRange(double lo, double hi) {
        yMin = lo;
        yMax = hi;
        return this;
    }

    /** Logarithmic y axis (non-positive values are dropped). */
    public Figure logY() {
        logY = true;
        return this;
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
    }

    private double ty(double y) {
        return logY ? Math.log10(y) : y;
    }

    /** Renders the chart. */
    public BufferedImage render() {
        double x0 = xMin, x1 = xMax, y0 = yMin, y1 = yMax;
        if (Double.isNaN(x0) || Double.isNaN(x1) || Double.isNaN(y0) || Double.isNaN(y1)) {
            double ax = Double.POSITIVE_INFINITY, bx = Double.NEGATIVE_INFINITY, ay = ax, by = bx;
            for (Series s : series)
                for (int k = 0; k < s.x.length; k++) {
                    double xv = s.x[k], yv = s.y[k];
                    if (!Double.isFinite(xv) || !Double.isFinite(yv) || (logY && yv <= 0)) continue;
                    ax = Math.min(ax, xv);
                    bx = Math.max(bx, xv);
                    ay = Math.min(ay, ty(yv));
                    by = Math.max(by, ty(yv));
                }
            if (ax > bx) {
                ax = 0;
                bx = 1;
                ay = 0;
                by = 1;
            }
            if (Double.isNaN(x0)) x0 = ax;
            if (Double.isNaN(x1)) x1 = bx;
            if (Double.isNaN(y0)) y0 = ay - 0.05 * (by - ay);
            else y0 = ty(y0);
            if (Double.isNaN(y1)) y1 = by + 0.05 * (by - ay);
            else y1 = ty(y1);
        } else {
            y0 = ty(y0);
            y1 = ty(y1);
        }
        if (x1 <= x0) x1 = x0 + 1;
        if (y1 <= y0) {
            y0 -= 0.5;
            y1 += 0.5;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 80, right = 20, top = 45, bottom = 60;
        int pw = width - left - right, ph = height - top - bottom;
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(base.deriveFont(Font.BOLD, 16f));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(title, (width - fm.stringWidth(title)) / 2, 28);
        g.setFont(base);
        fm = g.getFontMetrics();
        // ticks and grid
        g.setStroke(new BasicStroke(1f));
        for (double t : ticks(x0, x1)) {
            int px = left + (int) Math.round((t - x0) / (x1 - x0) * pw);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(px, top, px, top + ph);
            g.setColor(Color.BLACK);
            g.drawLine(px, top + ph, px, top + ph + 5);
            String s = fmt(t);
            g.drawString(s, px - fm.stringWidth(s) / 2, top + ph + 20);
        }
        for (double t : ticks(y0, y1)) {
            int py = top + ph - (int) Math.round((t - y0) / (y1 - y0) * ph);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 5, py, left, py);
            String s = logY ? "1e" + fmt(t) : fmt(t);
            g.drawString(s, left - 8 - fm.stringWidth(s), py + 5);
        }
        g.drawRect(left, top, pw, ph);
        g.drawString(xLabel, left + (pw - fm.stringWidth(xLabel)) / 2, height - 15);
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + (ph + fm.stringWidth(yLabel)) / 2), 20);
        g.setTransform(old);
        // data
        g.setClip(left, top, pw, ph);
        for (Series s : series) {
            g.setColor(s.color);
            if (s.points) {
                float r = s.size;
                Rectangle2D.Double rect = new Rectangle2D.Double();
                for (int k = 0; k < s.x.length; k++) {
                    double yv = s.y[k];
                    if (logY && yv <= 0) continue;
                    double px = left + (s.x[k] - x0) / (x1 - x0) * pw, py = top + ph - (ty(yv) - y0) / (y1 - y0) * ph;
                    rect.setRect(px - r / 2, py - r / 2, r, r);
                    g.fill(rect);
                }
            } else {
                g.setStroke(new BasicStroke(s.size, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                for (int k = 0; k < s.x.length; k++) {
                    double yv = s.y[k];
                    if (!Double.isFinite(yv) || !Double.isFinite(s.x[k]) || (logY && yv <= 0)) {
                        pen = false;
                        continue;
                    }
                    double px = left + (s.x[k] - x0) / (x1 - x0) * pw, py = top + ph - (ty(yv) - y0) / (y1 - y0) * ph;
                    if (pen) path.lineTo(px, py);
                    else path.moveTo(px, py);
                    pen = true;
                }
                g.draw(path);
            }
        }
        g.setClip(null);
        // legend
        int ly = top + 10;
        for (Series s : series) {
            if (s.label == null || s.label.isEmpty()) continue;
            int w = fm.stringWidth(s.label);
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(left + pw - w - 45, ly - 11, w + 40, 16);
            g.setColor(s.color);
            g.fillRect(left + pw - w - 38, ly - 5, 20, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.label, left + pw - w - 12, ly + 1);
            ly += 17;
        }
        g.dispose();
        return img;
    }

    /** Renders and writes the PNG atomically. */
    public void save(Path file) throws IOException {
        BufferedImage img = render();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }

    static List<Double> ticks(double lo, double hi) {
        double span = hi - lo;
        double raw = span / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) t.add(Math.abs(v) < 1e-12 * span ? 0 : v);
        return t;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) return Long.toString((long) v);
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e7) {
            String s = String.format("%.4f", v);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        return String.format("%.2e", v);
    }
}
