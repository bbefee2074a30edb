/**
 * One progress report for every trainer and experiment: a producer counts units with
 * {@link org.snn4j.progress.Progress} (rate and ETA), a {@link org.snn4j.progress.ProgressListener}
 * receives {@link org.snn4j.progress.ProgressEvent}s and messages, and
 * {@link org.snn4j.progress.ConsoleProgress} shows them on standard error — a live bar on a
 * terminal, plain lines when piped or in CI.
 */
package org.snn4j.progress;
