package org.snn4j.cuda;

import org.snn4j.train.sg.Seq;

/**
 * What {@link CudaSgDevice} needs of a device-resident network ({@link CudaSgMlp}, {@link CudaSgCnn}):
 * its state as one flat vector in the CPU network's {@code params()} order, a batch in, one training
 * step, the loss and the predictions out.
 */
interface DeviceNet extends AutoCloseable {
    int paramCount();

    String deviceName();

    /** Uploads the parameters and Adam's moments (flat) and step count. */
    void setState(float[] params, float[] adamM, float[] adamV, long adamSteps);

    /** Downloads the parameters and Adam's moments; returns Adam's step count. */
    long getState(float[] params, float[] adamM, float[] adamV);

    void prepare(int steps, int batch);

    void input(Seq in);

    void labels(int[] labels);

    void gradients();

    void adam(double lr, double weightDecay);

    double loss();

    void predictions(int[] out);

    void infer(boolean withLabels);

    @Override
    void close();
}
