package org.snn4j.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
    long now;

    ConsoleProgress console(ConsoleProgress.Mode mode, ByteArrayOutputStream buf) {
        return new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), mode, () -> "[x] ", () -> now);
    }

    @Test
    void rateAndEtaFromTheCount() throws Exception {
        List<ProgressEvent> seen = new ArrayList<>();
        Progress p = Progress.resume(seen::add, "epoch 1/2", 1000, "samples", 200);
        Thread.sleep(20);
        p.advance(300, "loss 0.5");
        ProgressEvent e = seen.get(0);
        assertEquals(500, e.done());
        assertEquals(0.5, e.fraction(), 0.0);
        // 300 samples (not 500: 200 were done before the resume) in elapsedS
        assertEquals(300 / e.elapsedS(), e.rate(), 1e-6 * e.rate());
        assertEquals(500 / e.rate(), e.etaS(), 1e-6 * e.etaS());
        assertTrue(e.line().startsWith("epoch 1/2: 50% (500/1000 samples), "), e.line());
        assertTrue(e.line().endsWith(", loss 0.5"), e.line());
        ProgressEvent unknown = new ProgressEvent("t", 5, 0, "steps", 1, 5, Double.NaN, "");
        assertTrue(Double.isNaN(unknown.fraction()));
        assertEquals("t: 5 steps, 5.00 steps/s", unknown.line());
    }

    @Test
    void plainLinesEveryFivePercentOrTenSeconds() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress c = console(ConsoleProgress.Mode.LINES, buf);
        Progress p = new Progress(c, "task", 1000, "items", 0, () -> now);
        for (int i = 0; i < 1000; i++) {
            now += 1_000_000;   // 1 ms per item: 1 s in all, so only the 5 % steps print
            p.advance(1, "");
        }
        p.end("done");
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(21, lines.length, String.join("\n", lines));   // 5 %, 10 %, … 100 %, and the end
        assertTrue(lines[0].startsWith("[x] task: 5% (50/1000 items)"), lines[0]);
        assertTrue(lines[20].contains("100%") && lines[20].endsWith("done"), lines[20]);
        assertFalse(buf.toString(StandardCharsets.UTF_8).contains("\r"));

        buf.reset();
        Progress slow = new Progress(c, "slow", 1_000_000, "items", 0, () -> now);
        for (int i = 0; i < 25; i++) {
            now += 1_000_000_000L;   // 1 s per item, far below 5 %: a line every 10 s
            slow.advance(1, "");
        }
        assertEquals(2, buf.toString(StandardCharsets.UTF_8).split("\n").length);
    }

    @Test
    void liveBarRedrawsInPlaceAtMostTenTimesASecond() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress c = console(ConsoleProgress.Mode.BAR, buf);
        Progress p = new Progress(c, "epoch 1/1", 100, "batches", 0, () -> now);
        for (int i = 0; i < 100; i++) {
            now += 10_000_000;   // 10 ms per batch: 1 s in all
            p.advance(1, "loss 0.1");
            if (i == 49) c.message("halfway");
        }
        p.end("");
        String s = buf.toString(StandardCharsets.UTF_8);
        long draws = s.chars().filter(ch -> ch == '\r').count();
        assertTrue(draws >= 10 && draws <= 14, draws + " redraws");   // ≤ 10/s, + the message's clear and the end
        assertTrue(s.contains("\r\033[2K[x] halfway\n"), s);
        assertTrue(s.endsWith("100/100 batches, 100 batches/s in 1.0 s\n"), s);
        assertTrue(ConsoleProgress.barLine(new ProgressEvent("e", 35, 100, "b", 1, 35, 1.857, "acc 0.5"))
                .startsWith("e [#######.............]  35% 35/100 b, 35.0 b/s, ETA 1.9 s, acc 0.5"));
    }

    @Test
    void noneShowsOnlyMessages() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConsoleProgress c = console(ConsoleProgress.Mode.NONE, buf);
        Progress p = Progress.start(c, "t", 10, "x");
        p.advance(10, "");
        p.end("");
        c.message("hello");
        assertEquals("[x] hello\n", buf.toString(StandardCharsets.UTF_8));
    }
}
