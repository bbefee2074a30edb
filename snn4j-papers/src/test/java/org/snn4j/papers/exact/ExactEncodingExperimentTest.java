package org.snn4j.papers.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExactEncodingExperimentTest {
    @Test
    void quickRunTrainsAndComparesWithTheAnalyticNetwork(@TempDir Path dir) throws Exception {
        QuickRun q = QuickRun.of(new ExactEncodingExperiment(), dir);
        double s = q.seconds();
        Map<String, Object> m = q.metrics();
        assertTrue(s < 60, "quick run took " + s + " s");
        // quick size (30 neurons, 60 iterations of 16 trials of 0.5 s): measured loss 2.04 -> 0.52 (factor 3.9;
        // deterministic for the seed whatever the thread count)
        assertTrue((Double) m.get("loss_drop_factor") >= 2.5, "loss drop factor " + m.get("loss_drop_factor"));
        // the analytic network with the learned decoder tracks the signal (its error is an upper bound's sanity check)
        assertTrue((Double) m.get("nrmse_analytic") < 0.3, "analytic nrmse " + m.get("nrmse_analytic"));
        for (String k : new String[] {"nrmse", "nrmse_analytic", "spikes_per_neuron_s", "spikes_per_neuron_s_analytic", "w_corr_analytic", "u_corr_decoder",
                "w_grad_snr", "nrmse_handbuilt_scn_structure"})
            assertTrue(m.containsKey(k) && Double.isFinite(((Number) m.get(k)).doubleValue()), k + " = " + m.get(k));
        // the W-gradient noise diagnostic: 4 batches; a pure-noise gradient gives an SNR of about 1/√4 = 0.5 (measured 0.59)
        assertTrue((Double) m.get("w_grad_snr") > 0 && (Double) m.get("w_grad_snr") < 2, "w_grad_snr " + m.get("w_grad_snr"));
        for (String f : new String[] {"model.safetensors", "train-checkpoint.safetensors", "learning_curve.png", "readout.png", "raster.png", "weights.png", "report.md"})
            assertTrue(Files.exists(dir.resolve(f)), f);
    }
}
