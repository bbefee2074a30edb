package org.snn4j.util;

/**
 * Seeded pseudo-random generator (xoshiro256++), the only source of randomness in snn4j.
 *
 * <p>Independent streams are derived from a seed and a path of stream identifiers with
 * {@link #stream(long, long...)}; the derivation is a SplitMix64 hash, so a stream depends only on
 * (seed, ids), never on thread scheduling. This is what makes results identical whatever the
 * thread count: each chunk of neurons, each connector row, each data shuffle owns its stream.
 */
public final class Rng {
    private long s0, s1, s2, s3;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x += 0x9E3779B97F4A7C15L);
        if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    }

    /** A generator for the stream named by {@code ids} under {@code seed}. */
    public static Rng stream(long seed, long... ids) {
        long h = splitMix(seed ^ 0x5DEECE66DL);
        for (long id : ids) h = splitMix(h ^ splitMix(id + 0x632BE59BD9B4E019L));
        return new Rng(h);
    }

    /** SplitMix64 finaliser: a bijective 64-bit mix. */
    public static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s0 + s3, 23) + s0;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in (0, 1]: safe as the argument of a logarithm. */
    public double nextDoubleOpenZero() {
        return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
    }

    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [0, bound), unbiased (Lemire's method). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long m = (nextLong() >>> 32) * bound;
        long l = m & 0xFFFFFFFFL;
        if (l < bound) {
            long t = (0x100000000L - bound) % bound;
            while (l < t) {
                m = (nextLong() >>> 32) * bound;
                l = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Standard normal deviate (polar Box–Muller). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * f;
        hasSpare = true;
        return u * f;
    }

    /** Number of failures before the first success of a Bernoulli(p) sequence, p in (0, 1]. */
    public long nextGeometric(double logOneMinusP) {
        return (long) Math.floor(Math.log(nextDoubleOpenZero()) / logOneMinusP);
    }

    /** Fisher–Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
