package org.snn4j.train.sg;

import java.io.PrintStream;
import java.util.ServiceLoader;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.util.InputException;

/**
 * Another engine that computes the training and test batches of an {@link SgTrainer} (a GPU:
 * snn4j-cuda's engine), with the network's parameters and the optimiser's state held on the device.
 * The trainer stays the same: epochs, batch order, input coding (the CPU encoder fills
 * {@link SgNet#input()}, so the device sees the CPU path's spikes), learning-rate schedule,
 * checkpoints and resume, test accuracy. Only the forward pass, the backward pass and the optimiser
 * step of each batch move to the device. {@link #download} brings the parameters and the optimiser's
 * state back into the CPU network and optimiser (for checkpoints and the model file), {@link #upload}
 * sends them (after a resume).
 *
 * <p>Implementations are found at run time with {@link ServiceLoader} ({@link Provider}), so that the
 * modules that train do not depend on the device's libraries.
 */
public interface SgDevice extends AutoCloseable {
    /** The device, in words. */
    String description();

    /** Copies the network's parameters and the optimiser's state (moments, step count) to the device. */
    void upload(SgNet net, Optimizer opt);

    /** Copies the device's parameters and optimiser state into the network and the optimiser. */
    void download(SgNet net, Optimizer opt);

    /**
     * One training step on a batch: forward, backward and the optimiser's update at learning rate lr.
     *
     * @param input  the encoded batch (B samples × T steps, as {@link SgNet#input()})
     * @param labels the labels (first B entries)
     * @param lr     the learning rate of this step
     * @param pred   receives the predicted class of each sample (first B entries)
     * @return the mean loss of the batch
     */
    double train(Seq input, int[] labels, double lr, int[] pred);

    /** Forward pass on a batch: the predicted class of each sample into pred. */
    void infer(Seq input, int[] labels, int[] pred);

    @Override
    void close();

    /** No usable device (no GPU, driver or libraries): one line; {@code device=auto} falls back to the CPU. */
    class Unavailable extends InputException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Makes devices of one kind ({@code device=NAME}); registered as a {@link ServiceLoader} service. */
    interface Provider {
        /** The device's name in {@code device=NAME} (e.g. "cuda"). */
        String name();

        /**
         * Refuses, with one line ({@link InputException}), a network, loss or optimiser this device cannot
         * train; touches no device.
         */
        void check(SgNet net, Loss loss, Optimizer opt);

        /** Throws {@link Unavailable} (one line) when no usable device is present; cheap (no kernels compiled). */
        void probe();

        /** Opens the device for this network (checked first) and uploads its parameters and the optimiser's state. */
        SgDevice open(SgNet net, Loss loss, Optimizer opt);
    }

    /** The provider of {@code device=name} on the class path, or null. */
    static Provider provider(String name) {
        for (Provider p : ServiceLoader.load(Provider.class)) if (p.name().equals(name)) return p;
        return null;
    }

    /**
     * The checks of {@code device=cpu|NAME|auto} that need no data: nothing for cpu; for a named device,
     * its module on the class path, the settings it can train and a usable device, else one line
     * ({@link InputException}). For auto, returns the reason it will run on the CPU (null: on the device).
     *
     * @param device "cpu", "auto" or a provider's name (e.g. "cuda")
     * @param what   the command, for messages (e.g. "sg-mlp")
     * @return null when the device will be used (or device=cpu), else why auto falls back to the CPU
     */
    static String check(String device, String what, SgNet net, Loss loss, Optimizer opt) {
        if (device.equals("cpu")) return null;
        boolean auto = device.equals("auto");
        String name = auto ? "cuda" : device;
        Provider p = provider(name);
        try {
            if (p == null)
                throw new Unavailable("device=" + name + " needs the snn4j-" + name + " module on the class path (docs/gpu.md)", null);
            p.check(net, loss, opt);
            p.probe();
            return null;
        } catch (InputException e) {
            if (auto) return e.getMessage();
            if (e instanceof Unavailable) throw new Unavailable(what + ": " + e.getMessage(), e);
            throw new InputException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code device} for the trainer's network: null for cpu; for auto, null with a one-line notice
     * on {@code notices} when the device cannot be used.
     */
    static SgDevice open(String device, String what, SgNet net, Loss loss, Optimizer opt, PrintStream notices) {
        String why = check(device, what, net, loss, opt);
        if (device.equals("cpu")) return null;
        if (why != null) {
            notices.println(what + ": device=auto: " + why + "; running on the CPU");
            return null;
        }
        try {
            return provider(device.equals("auto") ? "cuda" : device).open(net, loss, opt);
        } catch (Unavailable e) {
            if (!device.equals("auto")) throw new Unavailable(what + ": " + e.getMessage(), e);
            notices.println(what + ": device=auto: " + e.getMessage() + "; running on the CPU");
            return null;
        }
    }
}
