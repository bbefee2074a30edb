package org.snn4j.cuda;

import org.snn4j.train.sg.SgDevice;

/**
 * No usable CUDA device: no NVIDIA driver or GPU, no CUDA runtime libraries, or a device that cannot
 * run the kernels. An {@link org.snn4j.util.InputException}, so the command line reports it as one line and exits
 * with code 2; {@code device=auto} catches it and falls back to the CPU.
 */
public final class CudaUnavailableException extends SgDevice.Unavailable {
    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
