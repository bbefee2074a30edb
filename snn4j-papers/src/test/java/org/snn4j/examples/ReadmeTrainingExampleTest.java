package org.snn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.cell.AlifCell;
import org.snn4j.data.Dataset;
import org.snn4j.model.PoissonSource;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.progress.ProgressListener;
import org.snn4j.sim.Simulation;
import org.snn4j.train.sg.CellLayer;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgModel;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.SgTrainer;
import org.snn4j.train.sg.SimulationBridge;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.Rng;

/**
 * The training example of README.md, kept compiling and true: on a small synthetic dataset (two
 * classes of bright-left / bright-right 28×28 images) instead of Fashion-MNIST, so that the test
 * needs no download; the code between the markers is the README's.
 */
class ReadmeTrainingExampleTest {
    static Dataset synthetic(int n, long seed) {
        Rng r = new Rng(seed);
        float[] px = new float[n * 784];
        int[] y = new int[n];
        for (int k = 0; k < n; k++) {
            y[k] = k % 2;
            for (int row = 0; row < 28; row++)
                for (int col = 0; col < 28; col++)
                    px[k * 784 + row * 28 + col] = (float) ((col < 14) == (y[k] == 0) ? 0.5 + 0.5 * r.nextDouble() : 0.1 * r.nextDouble());
        }
        return new Dataset("synthetic", 28, 28, 10, px, y);
    }

    @Test
    void readmeTrainingExample(@TempDir Path dir) throws Exception {
        Dataset train = synthetic(512, 1), test = synthetic(128, 2);
        Path file = dir.resolve("model.safetensors");
        // --- README training example start
        long seed = 1;
        try (SgNet net = new SgNet(784, true, List.of(
                new Linear(784, 256, seed),
                new CellLayer(256, AlifCell.defaults().withBeta(0.95), Surrogate.fastSigmoid(25)),   // adaptive LIF
                new Linear(256, 10, seed + 1),
                new LeakyReadout(10, 0.95)), /* threads, 0 = auto */ 0)) {
            SgTrainer trainer = new SgTrainer(net, Loss.CE_MEAN, /* steps */ 25, /* batch */ 64, /* lr */ 5e-4,
                    /* weight decay */ 0, /* cosine */ false, seed);
            SgModel model = trainer.fit(train, /* epochs */ 2, "rate", ProgressListener.none());   // immutable, with provenance
            model.save(file);

            // the trained network in the simulator, with the core's monitors
            SimulationBridge.Converted sim = SimulationBridge.convert(net, new PoissonSource(784, 20.0));
            Simulation s = new Simulation(sim.network(), /* dt ms */ 1.0, seed, 0);
            SpikeMonitor hidden = new SpikeMonitor(sim.layers().get(0));
            s.add(hidden);
            s.run(100);
        }
        double accuracy = SgModel.load(file).evaluate(test, 0);   // a saved model evaluates without a trainer
        // --- README training example end
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        assertTrue(Files.size(file) > 784 * 256 * 4);
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
        assertTrue(readme.contains("new CellLayer(256, AlifCell.defaults().withBeta(0.95), Surrogate.fastSigmoid(25))"),
                "README shows this example");
        assertEquals(test.size(), SgModel.load(file).predict(test, 0).length);
    }
}
