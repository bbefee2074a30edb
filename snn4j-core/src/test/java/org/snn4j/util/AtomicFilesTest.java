package org.snn4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writtenFileTakesTheUmaskNotPrivateMode() throws Exception {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "not a POSIX file system");
        // What the umask gives a plain new file here: the atomic writer must give the same.
        Path plain = Files.createFile(dir.resolve("plain"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Path f = dir.resolve("out.txt");
        AtomicFiles.writeString(f, "hello\n");
        assertEquals("hello\n", Files.readString(f));
        assertEquals(PosixFilePermissions.toString(expected), PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        if (expected.contains(PosixFilePermission.OTHERS_READ))   // the usual umask 022
            assertTrue(Files.getPosixFilePermissions(f).contains(PosixFilePermission.GROUP_READ));
        AtomicFiles.writeString(f, "again\n");   // replacing keeps working and leaves no temporary file behind
        assertEquals("again\n", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count());
        }
    }
}
