/**
 * Cells: each neuron type once, for every engine. A {@link org.snn4j.cell.Cell} is an immutable
 * parameter record with defaults and withers, a state layout, a float forward step over a row of
 * units and its vector-Jacobian product; {@link org.snn4j.cell.CellModel} runs any cell in the
 * simulator, {@code org.snn4j.train.sg.CellLayer} trains it with BPTT. Cells:
 * {@link org.snn4j.cell.LifCell} (snnTorch Leaky), {@link org.snn4j.cell.CubaLifCell} (snnTorch
 * Synaptic), {@link org.snn4j.cell.AlifCell} (adaptive threshold, LSNN),
 * {@link org.snn4j.cell.LeakyIntegratorCell} (readout). Their shared membrane kernels are
 * {@link org.snn4j.cell.LifKernels}.
 *
 * <p>Adding a neuron model = one record implementing {@code Cell} in this package (see
 * {@code AlifCell}): it then runs in a {@code Population} and trains with BPTT, with no change
 * elsewhere.
 */
package org.snn4j.cell;
