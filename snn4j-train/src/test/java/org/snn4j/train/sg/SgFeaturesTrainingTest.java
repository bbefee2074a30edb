package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.util.Rng;

/**
 * Quick training runs with the optional layers, encoders, decoders and memory options on the small
 * generated dataset of {@link SgTrainingTest}: each learns well above chance (0.1; 300 test images:
 * a binomial sd of 0.017 at p = 0.1).
 */
class SgFeaturesTrainingTest {
    static double train(SgNet net, Loss loss, SgTrainer.Encoding enc, int T) {
        Dataset train = SgTrainingTest.prototypes(800, 0.2, 1), test = SgTrainingTest.prototypes(300, 0.2, 2);
        SgTrainer tr = new SgTrainer(net, loss, T, 32, 2e-3, 0, false, 3).encoding(enc);
        for (int e = 1; e <= 3; e++) tr.trainEpoch(train, e, null);
        return tr.evaluate(test, 1)[0];
    }

    static SgNet net(int nIn, Layer hidden, int threads) {
        return new SgNet(nIn, true, List.of(new Linear(nIn, 48, Rng.splitMix(1)), hidden, new Linear(48, 10, Rng.splitMix(2)),
                new Lif(10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25))), threads);
    }

    @Test
    void synapticWithLatencyCodingAndLearnableDecays() {
        LatencyEncoder lat = new LatencyEncoder(false, 0.01, 5);
        try (SgNet n = net(64, new Synaptic(48, 0.5, 0.8, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).learn(true, true, true), 2)) {
            double acc = train(n, Loss.CE_COUNT, (d, order, first, seed, stream) -> lat.filler(d, order, first), 12);
            assertTrue(acc > 0.5, "test accuracy " + acc);
        }
    }

    @Test
    void recurrentLifWithDeltaCodingAndTruncatedBptt() {
        DeltaEncoder delta = new DeltaEncoder(0.1);
        try (SgNet n = net(128, new RecurrentLif(48, 0.9, 1.0, Reset.ZERO, Surrogate.arctan(2), 4), 2).truncate(4)) {
            double acc = train(n, Loss.CE_COUNT, (d, order, first, seed, stream) -> delta.filler(d, order, first), 8);
            assertTrue(acc > 0.5, "test accuracy " + acc);
        }
    }

    @Test
    void firstSpikeDecoderWithRecomputeWindows() {
        try (SgNet n = net(64, new Lif(48, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).learnBeta(false), 2).memoryWindow(3)) {
            double acc = train(n, Loss.CE_FIRST, SgMlp::rateCoded, 10);
            assertTrue(acc > 0.5, "test accuracy " + acc);
        }
    }
}
