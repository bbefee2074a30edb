package org.snn4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigureTest {
    @Test
    void writesAReadablePngWithData(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rate.png");
        double[] t = {0, 1, 2, 3}, r = {1, 4, 2, 8};
        Plots.rate(f, "title", t, r);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
        int coloured = 0;
        for (int x = 0; x < img.getWidth(); x++)
            for (int y = 0; y < img.getHeight(); y++) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 255, blue = rgb & 255;
                if (blue > 150 && red < 80) coloured++;
            }
        assertTrue(coloured > 200, "the line must be drawn");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void ticksAreRound() {
        assertEquals(java.util.List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), Figure.ticks(0, 1000));
        assertEquals("0.25", Figure.fmt(0.25));
    }
}
