package org.snn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Data-parallel training on Spark gives the bits of the same steps in one process, whatever the thread counts. */
class DataParallelSgTest {
    @Test
    void sparkStepsEqualOneProcessBitForBit() {
        DataParallelSg.Spec s = new DataParallelSg.Spec(32, 6, 15, 1e-2, 3, "random", "", 60);
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("test").set("spark.ui.enabled", "false"))) {
            sc.setLogLevel("ERROR");
            for (int parts : new int[] {2, 3}) {
                DataParallelSg.Result one = DataParallelSg.train(null, s, parts, 6, 2);
                DataParallelSg.Result oneSingleThread = DataParallelSg.train(null, s, parts, 6, 1);
                DataParallelSg.Result spark = DataParallelSg.train(sc, s, parts, 6, 1);
                assertArrayEquals(one.weights(), spark.weights(), parts + " parts");
                assertArrayEquals(one.weights(), oneSingleThread.weights());
                assertTrue(spark.lastLoss() < spark.firstLoss(), "it learns: " + spark.firstLoss() + " -> " + spark.lastLoss());
            }
            // and the trainer of sg-mlp (SgTrainer with micro_batches = 2) takes the same steps: one epoch of 4 steps
            try (org.snn4j.train.sg.SgNet net = s.build(2)) {
                org.snn4j.train.sg.SgTrainer tr = new org.snn4j.train.sg.SgTrainer(net, org.snn4j.train.sg.Loss.CE_COUNT, s.steps(), s.batch(), s.lr(),
                        0, false, s.seed()).microBatches(2);
                tr.plan(4);
                tr.trainEpoch(s.dataset(), 0, null);
                assertArrayEquals(DataParallelSg.train(sc, s, 2, 4, 1).weights(), org.snn4j.train.sg.MicroBatch.weights(net),
                        "Spark with 2 parts = SgTrainer with 2 micro-batches");
            }
            // the parts are a real split: 2 and 3 parts take different steps (each part codes its own input)
            assertFalse(Arrays.equals(DataParallelSg.train(null, s, 2, 3, 1).weights(), DataParallelSg.train(null, s, 3, 3, 1).weights()));
        }
    }
}
