package org.snn4j.spark;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.experiment.WorkloadBase;

/**
 * {@code snn4j bench sg-mlp-spark}: data-parallel training of the 784-H-10 spiking MLP on Spark
 * ({@link DataParallelSg}) against the same steps in one process, in one run: speed of each, the
 * overhead per step, the bytes a step moves, and whether the final weights are bit-identical.
 */
public final class DataParallelWorkload extends WorkloadBase implements Workload {
    public DataParallelWorkload() {
        super("sg-mlp-spark", "data-parallel surrogate-gradient training of a 784-H-10 spiking MLP on Apache Spark (P parts per batch) "
                + "against the same steps in one process; bit-identity of the weights, overhead per step");
    }

    @Override
    public Params defaults() {
        return params()
                .declare("hidden", 1000L, "hidden units H", 1, 1e5)
                .declare("steps", 25L, "time steps T", 1, 1e4)
                .declare("batch", 128L, "global mini-batch B", 1, 1e5)
                .declare("parts", 2L, "parts of each mini-batch = Spark tasks per step", 1, 1024)
                .declare("iters", 20L, "timed training steps", 1, 1e6)
                .declare("lr", 5e-4, "Adam learning rate", 1e-9, 10)
                .declare("images", 2560L, "training images (random data: generated from the seed on every worker)", 1, 1e7)
                .declareChoice("data", "random", "random or fashion-mnist (every worker reads it from data_dir)", "random", "fashion-mnist", "mnist")
                .declare("data_dir", "", "dataset folder (default: data/)")
                .declare("master", "local[2]", "Spark master: local[N], spark://host:port, ...")
                .declare("threads", 0L, "threads of the one-process run (0: one per processor)", 0, 256)
                .declare("seed", 1L, "seed", 0, 9e18);
    }

    @Override
    public void validate(Params p) {
        if (p.getInt("parts") > p.getInt("batch")) throw new org.snn4j.util.InputException("bench sg-mlp-spark: more parts than samples in a batch");
        if (p.getInt("images") < p.getInt("batch")) throw new org.snn4j.util.InputException("bench sg-mlp-spark: fewer images than a batch");
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        DataParallelSg.Spec s = new DataParallelSg.Spec(p.getInt("hidden"), p.getInt("steps"), p.getInt("batch"), p.getDouble("lr"), p.getLong("seed"),
                p.getString("data"), p.getString("data_dir"), p.getInt("images"));
        int parts = p.getInt("parts"), iters = p.getInt("iters");
        String master = p.getString("master");
        DataParallelSg.train(null, s, parts, 2, p.getInt("threads"));   // warm-up (JIT), as the Spark run gets
        DataParallelSg.Result local = DataParallelSg.train(null, s, parts, iters, p.getInt("threads"));
        DataParallelSg.Result spark;
        SparkConf conf = new SparkConf().setAppName("snn4j sg-mlp-spark").setMaster(master).set("spark.ui.enabled", "false")
                .set("spark.executor.memory", "1g");
        if (!master.startsWith("local")) conf.set("spark.cores.max", Integer.toString(parts)).setJars(SparkBackend.jars());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            DataParallelSg.train(sc, s, parts, 2, 1);   // warm-up: executors, replicas, JIT
            spark = DataParallelSg.train(sc, s, parts, iters, 1);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "784-" + s.hidden() + "-10");
        m.put("T", s.steps());
        m.put("B", s.batch());
        m.put("parts", parts);
        m.put("master", master);
        m.put("iters", iters);
        m.put("one_process_samples_per_s", round((double) iters * s.batch() / local.seconds()));
        m.put("spark_samples_per_s", round((double) iters * s.batch() / spark.seconds()));
        m.put("one_process_ms_per_step", round(1000 * local.seconds() / iters));
        m.put("spark_ms_per_step", round(1000 * spark.seconds() / iters));
        m.put("overhead_ms_per_step", round(1000 * (spark.seconds() - local.seconds()) / iters));
        m.put("bytes_per_step", spark.bytesPerStep());
        m.put("loss_first", round(spark.firstLoss()));
        m.put("loss_last", round(spark.lastLoss()));
        m.put("bit_identical", Arrays.equals(local.weights(), spark.weights()));
        return m;
    }

    static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
