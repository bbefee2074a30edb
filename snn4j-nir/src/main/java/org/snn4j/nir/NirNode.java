package org.snn4j.nir;

import java.util.Arrays;

/**
 * A node of a NIR graph, one record per node type of the NIR specification (neuromorphs/NIR 1.0), with
 * the specification's parameter names and units: continuous time in seconds, voltages and currents in
 * the file's own units. Nothing here is discretised; {@link NirNetwork} does that at the dt a user
 * chooses. Shapes follow the specification (C order); the records check what they can check alone,
 * and {@link NirGraph#check} checks the edges between them.
 *
 * <p>Neuron equations (I is the node's input, the sum of what its incoming edges carry):
 * <pre>
 *   I        dv/dt = R·I
 *   IF       dv/dt = R·I;                              v &gt; v_threshold → spike, v ← v_reset
 *   LI       τ dv/dt = (v_leak − v) + R·I
 *   LIF      τ dv/dt = (v_leak − v) + R·I;             v &gt; v_threshold → spike, v ← v_reset
 *   CubaLI   τ_syn dI_s/dt = −I_s + w_in·I;  τ_mem dv/dt = (v_leak − v) + R·I_s
 *   CubaLIF  CubaLI, and v &gt; v_threshold → spike, v ← v_reset
 * </pre>
 */
public interface NirNode {
    /** The node's type as NIR names it ({@code "LIF"}, {@code "Conv2d"}, ...). */
    String type();

    /** Input of the graph. @param shape the shape of one sample's input per time step */
    record Input(int[] shape) implements NirNode {
        public String type() {
            return "Input";
        }
    }

    /** Output of the graph. @param shape the shape of one sample's output per time step */
    record Output(int[] shape) implements NirNode {
        public String type() {
            return "Output";
        }
    }

    /** y = W·x + b. @param weight [out, in] @param bias [out] */
    record Affine(NirTensor weight, NirTensor bias) implements NirNode {
        public Affine {
            if (weight.rank() != 2) throw new NirException("Affine weight must be 2-D, is " + weight.shapeText());
            if (bias.size() != weight.shape()[0])
                throw new NirException("Affine bias " + bias.shapeText() + " does not match weight " + weight.shapeText());
        }

        public String type() {
            return "Affine";
        }
    }

    /** y = W·x. @param weight [out, in] */
    record Linear(NirTensor weight) implements NirNode {
        public Linear {
            if (weight.rank() != 2) throw new NirException("Linear weight must be 2-D, is " + weight.shapeText());
        }

        public String type() {
            return "Linear";
        }
    }

    /** y = s ⊙ x (elementwise). */
    record Scale(NirTensor scale) implements NirNode {
        public String type() {
            return "Scale";
        }
    }

    /** z = H(x − θ) (elementwise, stateless). */
    record Threshold(NirTensor threshold) implements NirNode {
        public String type() {
            return "Threshold";
        }
    }

    /**
     * Flattens dimensions startDim..endDim (inclusive; negative counts from the end) of the input of
     * shape {@code inputType} (without a batch dimension). Data order is unchanged (C order).
     */
    record Flatten(int[] inputType, int startDim, int endDim) implements NirNode {
        public String type() {
            return "Flatten";
        }

        /** The output shape, or null when the input shape is unknown. */
        public int[] outputShape() {
            if (inputType == null) return null;
            int r = inputType.length, s = startDim < 0 ? startDim + r : startDim, e = endDim < 0 ? endDim + r : endDim;
            if (s < 0 || e >= r || s > e) throw new NirException("Flatten dims " + startDim + ".." + endDim + " do not fit input " + Arrays.toString(inputType));
            int[] out = new int[r - (e - s)];
            int k = 0;
            for (int i = 0; i < s; i++) out[k++] = inputType[i];
            int prod = 1;
            for (int i = s; i <= e; i++) prod *= inputType[i];
            out[k++] = prod;
            for (int i = e + 1; i < r; i++) out[k++] = inputType[i];
            return out;
        }
    }

    /** y(t) = x(t − delay), per element. @param delay seconds */
    record Delay(NirTensor delay) implements NirNode {
        public String type() {
            return "Delay";
        }
    }

    /**
     * 1-D convolution (cross-correlation, as PyTorch's Conv1d): input [C_in, L], output [C_out, L'].
     *
     * @param inputLength L, or 0 when the file does not give it
     * @param weight      [C_out, C_in / groups, K]
     * @param bias        [C_out]
     */
    record Conv1d(int inputLength, NirTensor weight, int stride, int padding, int dilation, int groups, NirTensor bias)
            implements NirNode {
        public Conv1d {
            if (weight.rank() != 3) throw new NirException("Conv1d weight must be 3-D [out, in/groups, k], is " + weight.shapeText());
            checkConv(weight.shape()[0], groups, new int[]{stride}, new int[]{padding}, new int[]{dilation}, bias, "Conv1d");
        }

        public String type() {
            return "Conv1d";
        }
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch's Conv2d): input [C_in, H, W], output
     * [C_out, H', W'] with H' = ⌊(H + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1.
     *
     * @param inputShape (H, W), or null when the file does not give it
     * @param weight     [C_out, C_in / groups, kH, kW]
     * @param stride     (sH, sW)
     * @param padding    (pH, pW), symmetric zero padding
     * @param dilation   (dH, dW)
     * @param bias       [C_out]
     */
    record Conv2d(int[] inputShape, NirTensor weight, int[] stride, int[] padding, int[] dilation, int groups, NirTensor bias)
            implements NirNode {
        public Conv2d {
            if (weight.rank() != 4) throw new NirException("Conv2d weight must be 4-D [out, in/groups, kH, kW], is " + weight.shapeText());
            checkConv(weight.shape()[0], groups, stride, padding, dilation, bias, "Conv2d");
            if (stride.length != 2 || padding.length != 2 || dilation.length != 2)
                throw new NirException("Conv2d stride, padding and dilation need 2 values each");
        }

        public String type() {
            return "Conv2d";
        }
    }

    /** Sum pooling over windows: input [C, H, W]. */
    record SumPool2d(int[] kernelSize, int[] stride, int[] padding) implements NirNode {
        public SumPool2d {
            checkPool(kernelSize, stride, padding, "SumPool2d");
        }

        public String type() {
            return "SumPool2d";
        }
    }

    /** Average pooling over windows (zero padding counted in the average, PyTorch's default). */
    record AvgPool2d(int[] kernelSize, int[] stride, int[] padding) implements NirNode {
        public AvgPool2d {
            checkPool(kernelSize, stride, padding, "AvgPool2d");
        }

        public String type() {
            return "AvgPool2d";
        }
    }

    /** Integrator: dv/dt = R·I (output v). */
    record Integrator(NirTensor r) implements NirNode {
        public String type() {
            return "I";
        }
    }

    /** Integrate-and-fire: dv/dt = R·I; v &gt; v_threshold → spike, v ← v_reset. */
    record IF(NirTensor r, NirTensor vThreshold, NirTensor vReset) implements NirNode {
        public IF {
            sameShape("IF", r, vThreshold, vReset);
        }

        public String type() {
            return "IF";
        }
    }

    /** Leaky integrator: τ dv/dt = (v_leak − v) + R·I (output v). */
    record LI(NirTensor tau, NirTensor r, NirTensor vLeak) implements NirNode {
        public LI {
            sameShape("LI", tau, r, vLeak);
        }

        public String type() {
            return "LI";
        }
    }

    /** Leaky integrate-and-fire: τ dv/dt = (v_leak − v) + R·I; v &gt; v_threshold → spike, v ← v_reset. */
    record LIF(NirTensor tau, NirTensor r, NirTensor vLeak, NirTensor vThreshold, NirTensor vReset) implements NirNode {
        public LIF {
            sameShape("LIF", tau, r, vLeak, vThreshold, vReset);
        }

        public String type() {
            return "LIF";
        }
    }

    /** Current-based leaky integrator (output v). */
    record CubaLI(NirTensor tauSyn, NirTensor tauMem, NirTensor r, NirTensor vLeak, NirTensor wIn) implements NirNode {
        public CubaLI {
            sameShape("CubaLI", tauSyn, tauMem, r, vLeak, wIn);
        }

        public String type() {
            return "CubaLI";
        }
    }

    /** Current-based leaky integrate-and-fire. */
    record CubaLIF(NirTensor tauSyn, NirTensor tauMem, NirTensor r, NirTensor vLeak, NirTensor vThreshold, NirTensor vReset,
                   NirTensor wIn) implements NirNode {
        public CubaLIF {
            sameShape("CubaLIF", tauSyn, tauMem, r, vLeak, vThreshold, vReset, wIn);
        }

        public String type() {
            return "CubaLIF";
        }
    }

    private static void sameShape(String type, NirTensor... ts) {
        for (NirTensor t : ts)
            if (!Arrays.equals(t.shape(), ts[0].shape()))
                throw new NirException(type + " parameters must have one shape, got " + ts[0].shapeText() + " and " + t.shapeText());
    }

    private static void checkConv(int outChannels, int groups, int[] stride, int[] padding, int[] dilation, NirTensor bias, String type) {
        if (groups < 1 || outChannels % groups != 0)
            throw new NirException(type + ": groups " + groups + " must divide the " + outChannels + " output channels");
        for (int s : stride) if (s < 1) throw new NirException(type + ": stride must be >= 1: " + Arrays.toString(stride));
        for (int d : dilation) if (d < 1) throw new NirException(type + ": dilation must be >= 1: " + Arrays.toString(dilation));
        for (int p : padding) if (p < 0) throw new NirException(type + ": padding must be >= 0: " + Arrays.toString(padding));
        if (bias.size() != outChannels) throw new NirException(type + ": bias " + bias.shapeText() + " does not match " + outChannels + " output channels");
    }

    private static void checkPool(int[] k, int[] stride, int[] padding, String type) {
        if (k.length != 2 || stride.length != 2 || padding.length != 2)
            throw new NirException(type + ": kernel_size, stride and padding need 2 values each");
        for (int i = 0; i < 2; i++)
            if (k[i] < 1 || stride[i] < 1 || padding[i] < 0 || 2 * padding[i] > k[i])
                throw new NirException(type + ": bad window: kernel " + Arrays.toString(k) + ", stride " + Arrays.toString(stride)
                        + ", padding " + Arrays.toString(padding));
    }
}
