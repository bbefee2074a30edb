package org.snn4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.papers.sg.SgMlpWorkload;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.MicroBatch;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.Rng;

/**
 * Synchronous data-parallel surrogate-gradient training of the 784-H-10 spiking MLP on Spark. Each
 * step the driver broadcasts the weights; each of P tasks computes one part of the mini-batch
 * ({@link MicroBatch}) on its own replica of the network and returns its weighted gradient; the
 * driver sums the P gradients in part order and takes the Adam step. The same steps computed in
 * one process ({@code sc == null}) give the same bits: the order of every sum is fixed by the
 * parts, not by which worker ran them or when.
 */
public final class DataParallelSg {
    private DataParallelSg() {
    }

    /**
     * What every worker needs to rebuild the network and the data: the run's settings.
     *
     * @param hidden  hidden neurons H
     * @param steps   time steps T
     * @param batch   global mini-batch B
     * @param lr      Adam's learning rate
     * @param seed    seed of the weights, the data order and the input coding
     * @param data    "random" or a dataset name
     * @param dataDir the data folder ("" for the default)
     * @param images  training images used
     */
    public record Spec(int hidden, int steps, int batch, double lr, long seed, String data, String dataDir, int images) implements Serializable {
        SgNet build(int threads) {
            return SgMlp.build(784, new int[] {hidden}, 10, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, threads, seed);
        }

        Dataset dataset() {
            return SgMlpWorkload.images("sg-mlp-spark", data, images, seed, dataDir);
        }
    }

    /** What one part returns: its weighted gradient and summed loss. */
    record Part(float[] gradient, double loss) implements Serializable {
    }

    /** A worker's network and data, one per (settings, part): parts that share an executor JVM get their own. */
    private static final class Replica {
        final SgNet net;
        final Dataset data;
        final float[] out;
        final int[] pred, labels;

        Replica(Spec s) {
            net = s.build(1);
            data = s.dataset();
            out = new float[MicroBatch.size(net)];
            pred = new int[s.batch()];
            labels = new int[s.batch()];
        }
    }

    private static final Map<String, Replica> REPLICAS = new ConcurrentHashMap<>();

    /** The last epoch's order per thread: drawn once an epoch, not once a step. */
    private static final ThreadLocal<Object[]> ORDER = new ThreadLocal<>();

    /** The sample order of an epoch (as SgTrainer draws it). */
    static int[] order(Spec s, int epoch) {
        Object[] c = ORDER.get();
        if (c == null || !c[0].equals(s) || (int) c[1] != epoch) {
            c = new Object[] {s, epoch, Dataset.permutation(s.images(), Rng.stream(s.seed(), 0x5EED, epoch))};
            ORDER.set(c);
        }
        return (int[]) c[2];
    }

    /** Part p of step i, on this JVM's replica for (spec, p). */
    static Part part(Spec s, float[] weights, int i, int p, int parts) {
        Replica r = REPLICAS.computeIfAbsent(s + "#" + p, k -> new Replica(s));
        synchronized (r) {
            MicroBatch.setWeights(r.net, weights);
            double loss = compute(s, r.net, r.data, i, p, parts, r.out, r.pred, r.labels);
            return new Part(r.out.clone(), loss);   // the replica's buffer is reused by its next step
        }
    }

    /** Part p of step i into {@code out}; returns its summed loss. */
    static double compute(Spec s, SgNet net, Dataset data, int i, int p, int parts, float[] out, int[] pred, int[] labels) {
        int perEpoch = s.images() / s.batch(), epoch = i / perEpoch, k = i % perEpoch;
        return MicroBatch.gradient(net, SgMlp::rateCoded, data, order(s, epoch), k * s.batch(), s.batch(), p, parts, s.steps(), Loss.CE_COUNT,
                s.seed(), ((long) epoch << 32) | k, out, pred, labels);
    }

    /** The result of a training run. */
    public record Result(float[] weights, double firstLoss, double lastLoss, double seconds, long bytesPerStep) {
    }

    /**
     * Trains {@code iterations} steps.
     *
     * @param sc         Spark (null: the same steps in this process, one part after the other)
     * @param s          the settings
     * @param parts      parts P of each mini-batch (Spark tasks per step)
     * @param iterations steps
     * @param threads    threads of the driver's network when sc is null
     * @return the final weights, the first and last mean loss and the time
     */
    public static Result train(JavaSparkContext sc, Spec s, int parts, int iterations, int threads) {
        if (s.images() < s.batch()) throw new IllegalArgumentException("fewer images than a batch");
        try (SgNet net = s.build(threads)) {
            Adam adam = new Adam(s.lr());
            adam.initialise(net.paramSet());
            Dataset data = sc == null ? s.dataset() : null;
            float[][] grads = new float[parts][MicroBatch.size(net)];
            int[] pred = new int[s.batch()], labels = new int[s.batch()];
            double first = Double.NaN, last = Double.NaN;
            long t0 = System.nanoTime();
            List<Integer> ps = new ArrayList<>();
            for (int p = 0; p < parts; p++) ps.add(p);
            for (int i = 0; i < iterations; i++) {
                double loss = 0;
                if (sc == null) {
                    for (int p = 0; p < parts; p++) loss += compute(s, net, data, i, p, parts, grads[p], pred, labels);
                } else {
                    Broadcast<float[]> w = sc.broadcast(MicroBatch.weights(net));
                    final int step = i;
                    List<Part> got = sc.parallelize(ps, parts).map(p -> part(s, w.value(), step, p, parts)).collect();
                    w.destroy();
                    for (int p = 0; p < parts; p++) {
                        grads[p] = got.get(p).gradient();
                        loss += got.get(p).loss();
                    }
                }
                MicroBatch.sumInto(net, grads);
                net.update(adam);
                loss /= s.batch();
                if (i == 0) first = loss;
                last = loss;
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            return new Result(MicroBatch.weights(net), first, last, seconds, 4L * MicroBatch.size(net) * (1 + parts));
        }
    }
}
