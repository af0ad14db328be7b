// Median and spread of repeated measurements, and the ratio of two medians: the figures the bench prints.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max } of a list of numbers. */
export function summarize(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

export function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** "1.23 s (1.20–1.31, n=5)" */
export function formatSummary(summary, unit = formatMs) {
  return `${unit(summary.median)} (${unit(summary.min)}–${unit(summary.max)}, n=${summary.runs})`;
}

export function ratio(subject, reference) {
  return subject.median / reference.median;
}
