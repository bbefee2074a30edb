package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snn4j data}: bad input fails with one line and exit code 2, before any network access. */
class DataCommandTest {
    @Test
    void fetchUnknownDatasetIsOneLineExit2(@TempDir Path dir) throws Exception {
        CliTest.Result r = CliTest.exec("data", "fetch", "cifar10", "--data-dir", dir.toString());
        CliTest.assertInputError(r, "unknown dataset 'cifar10' (known: mnist, fashion-mnist)");
        // nothing was created: the name is checked before anything is fetched or written
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void fetchWithoutNameAndDataWithoutCommand() {
        CliTest.Result r = CliTest.exec("data", "fetch");
        assertEquals(2, r.code(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertTrue(r.err().contains("NAME"), r.err());
        r = CliTest.exec("data");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("missing command"), r.err());
    }

    @Test
    void listReportsMissingDatasetsOffline(@TempDir Path dir) {
        CliTest.Result r = CliTest.exec("data", "list", "--data-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mnist") && r.out().contains("missing (bin/snn4j data fetch fashion-mnist)"), r.out());
    }

    @Test
    void runWithUnknownDatasetIsOneLineExit2(@TempDir Path dir) {
        CliTest.Result r = CliTest.exec("run", "erbp", "--quick", "--out", dir.resolve("o").toString(), "--set", "dataset=svhn",
                "--set", "data_dir=" + dir);
        CliTest.assertInputError(r, "must be one of mnist, fashion-mnist");
    }
}
