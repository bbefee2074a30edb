package org.snn4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * A labelled image dataset held in memory: {@code size()} images of {@code rows × cols} pixels with
 * intensities in [0, 1] (an unsigned byte b is stored as b / 255), and an integer label in
 * [0, classes) per image.
 *
 * <p>Images are one flat row-major array (image k's pixel p at {@code k * dim() + p}). A dataset
 * read from IDX files (or built from bytes) keeps the unsigned bytes and converts on access
 * ({@link #pixel}, {@link #image}): a 60,000-image MNIST-sized set takes 47 MB instead of the
 * 188 MB of floats. A dataset built from a {@code float[]} keeps the floats. Either way
 * {@link #pixel} returns the same value for a byte b: {@code (b & 0xFF) / 255f}. Instances are
 * immutable; {@link #subset} and {@link #shuffled} copy (in the same storage).
 */
public final class Dataset {
    private final String name;
    private final int rows, cols, classes;
    /** Exactly one of the two is non-null. */
    private final float[] images;
    private final byte[] bytes;
    private final int[] labels;

    /**
     * @param images flat row-major pixels in [0, 1], length labels.length · rows · cols
     * @param labels labels in [0, classes)
     */
    public Dataset(String name, int rows, int cols, int classes, float[] images, int[] labels) {
        this(name, rows, cols, classes, images, null, labels);
    }

    /**
     * @param bytes flat row-major unsigned-byte pixels (intensity b / 255), length labels.length · rows · cols;
     *              kept, not copied
     * @param labels labels in [0, classes)
     */
    public Dataset(String name, int rows, int cols, int classes, byte[] bytes, int[] labels) {
        this(name, rows, cols, classes, null, bytes, labels);
    }

    private Dataset(String name, int rows, int cols, int classes, float[] images, byte[] bytes, int[] labels) {
        int len = images != null ? images.length : bytes.length;
        if (rows <= 0 || cols <= 0 || classes <= 0) throw new IllegalArgumentException("rows, cols and classes must be positive");
        if ((long) labels.length * rows * cols != len)
            throw new IllegalArgumentException(name + ": " + labels.length + " labels but " + len + " pixels for "
                    + rows + "x" + cols + " images");
        for (int k = 0; k < labels.length; k++)
            if (labels[k] < 0 || labels[k] >= classes)
                throw new IllegalArgumentException(name + ": label " + labels[k] + " of image " + k + " outside [0, " + classes + ")");
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.images = images;
        this.bytes = bytes;
        this.labels = labels;
    }

    /**
     * Reads an image IDX file (unsigned bytes, dims n × rows × cols) and a label IDX file (unsigned
     * bytes, dims n) into a dataset; a mismatch between the two is an {@link InputException}.
     *
     * @param classes number of classes; labels must be below it
     */
    public static Dataset fromIdx(String name, Path imageFile, Path labelFile, int classes) {
        Idx.Array im = Idx.read(imageFile);
        Idx.Array lb = Idx.read(labelFile);
        if (im.type() != Idx.UBYTE || im.dims().length != 3)
            throw new InputException("image file " + imageFile + " must hold unsigned bytes with 3 dimensions (n, rows, cols), has type 0x"
                    + Integer.toHexString(im.type()) + " and dims " + Arrays.toString(im.dims()));
        if (lb.type() != Idx.UBYTE || lb.dims().length != 1)
            throw new InputException("label file " + labelFile + " must hold unsigned bytes with 1 dimension, has type 0x"
                    + Integer.toHexString(lb.type()) + " and dims " + Arrays.toString(lb.dims()));
        int n = im.dims()[0];
        if (lb.dims()[0] != n)
            throw new InputException("image file " + imageFile + " has " + n + " images but label file " + labelFile + " has "
                    + lb.dims()[0] + " labels");
        int rows = im.dims()[1], cols = im.dims()[2];
        if (n == 0) throw new InputException("image file " + imageFile + " holds no images: nothing to train or test on");
        if (rows == 0 || cols == 0) throw new InputException("image file " + imageFile + " has empty images: dims " + Arrays.toString(im.dims()));
        int[] labels = new int[n];
        for (int k = 0; k < n; k++) {
            labels[k] = lb.ubytes()[k] & 0xFF;
            if (labels[k] >= classes)
                throw new InputException("label file " + labelFile + ": label " + labels[k] + " of item " + k + " is not below "
                        + classes + " classes");
        }
        return new Dataset(name, rows, cols, classes, im.ubytes(), labels);
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Pixels per image, rows · cols. */
    public int dim() {
        return rows * cols;
    }

    public int classes() {
        return classes;
    }

    public int label(int k) {
        return labels[k];
    }

    /** Pixel p of image k, in [0, 1]. */
    public float pixel(int k, int p) {
        int q = k * dim() + p;
        return images != null ? images[q] : (bytes[q] & 0xFF) / 255f;
    }

    /** Copies image k into {@code dst} (length ≥ dim()). */
    public void image(int k, float[] dst) {
        int d = dim(), off = k * d;
        if (images != null) System.arraycopy(images, off, dst, 0, d);
        else for (int p = 0; p < d; p++) dst[p] = (bytes[off + p] & 0xFF) / 255f;
    }

    /**
     * Copies image k translated by (dx, dy) pixels into {@code dst} (x to the right, y down; pixels
     * shifted in from outside the image are 0): the pixel at (row, col) becomes the one at
     * (row − dy, col − dx). Training-time data augmentation; (0, 0) is {@link #image(int, float[])}.
     */
    public void imageShifted(int k, int dx, int dy, float[] dst) {
        for (int y = 0; y < rows; y++) {
            int sy = y - dy;
            for (int x = 0; x < cols; x++) {
                int sx = x - dx;
                dst[y * cols + x] = sy < 0 || sy >= rows || sx < 0 || sx >= cols ? 0f : pixel(k, sy * cols + sx);
            }
        }
    }

    /** Copies image k into {@code dst} (length ≥ dim()) as doubles. */
    public void image(int k, double[] dst) {
        int d = dim(), off = k * d;
        if (images != null) for (int p = 0; p < d; p++) dst[p] = images[off + p];
        else for (int p = 0; p < d; p++) dst[p] = (bytes[off + p] & 0xFF) / 255f;
    }

    /**
     * The flat pixel array as floats: image k at [k·dim(), (k+1)·dim()). Live (do not modify) for a
     * float dataset; for a byte dataset ({@link #isBytes}) a new float copy of every image (4 bytes a
     * pixel): prefer {@link #image} or {@link #pixel} there.
     */
    public float[] pixels() {
        if (images != null) return images;
        float[] f = new float[bytes.length];
        for (int q = 0; q < f.length; q++) f[q] = (bytes[q] & 0xFF) / 255f;
        return f;
    }

    /** True when the pixels are stored as unsigned bytes ({@link #bytes}). */
    public boolean isBytes() {
        return bytes != null;
    }

    /** The flat unsigned-byte pixels, live (do not modify), or null for a float dataset. */
    public byte[] bytes() {
        return bytes;
    }

    /** The labels, live (do not modify). */
    public int[] labels() {
        return labels;
    }

    /** Number of images of each class. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (int l : labels) c[l]++;
        return c;
    }

    /** The images at the given indices, in that order (a copy). */
    public Dataset subset(int[] indices) {
        int d = dim();
        float[] im = images == null ? null : new float[indices.length * d];
        byte[] by = bytes == null ? null : new byte[indices.length * d];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int src = indices[k];
            if (src < 0 || src >= size()) throw new IndexOutOfBoundsException("image " + src + " of " + size());
            if (im != null) System.arraycopy(images, src * d, im, k * d, d);
            else System.arraycopy(bytes, src * d, by, k * d, d);
            lb[k] = labels[src];
        }
        return new Dataset(name, rows, cols, classes, im, by, lb);
    }

    /** The first {@code n} images (all of them when n ≥ size()). */
    public Dataset head(int n) {
        int m = Math.min(n, size());
        int[] idx = new int[m];
        for (int k = 0; k < m; k++) idx[k] = k;
        return subset(idx);
    }

    /** A random permutation of {0, …, n−1} (Fisher–Yates) drawn from {@code rng}. */
    public static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) p[k] = k;
        for (int k = n - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = p[k];
            p[k] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The dataset in a random order drawn from {@code rng} (a copy). */
    public Dataset shuffled(Rng rng) {
        return subset(permutation(size(), rng));
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images of " + rows + "x" + cols + ", " + classes + " classes)";
    }
}
