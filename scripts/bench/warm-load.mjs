// The second load of a model in the warm probe worker against the first one in the same worker: what keeping the
// worker alive saves each verify step (TensorFlow and Keras are imported once, before both).
import { pathToFileURL } from "node:url";
import { formatSummary, ratio, summarize } from "./stats.mjs";
import { repeat } from "./run-timed.mjs";

export async function benchWarmLoad({ distProbe, python, model, runs, env = {} }) {
  const { startProbe } = await import(pathToFileURL(distProbe).href);
  const samples = await repeat(runs, async () => {
    let start = performance.now();
    const probe = await startProbe({ python: { path: python, source: "flag" }, timeoutSeconds: 300, env });
    const startMs = performance.now() - start;
    try {
      start = performance.now();
      const first = await probe.load(model);
      const firstMs = performance.now() - start;
      start = performance.now();
      const second = await probe.load(model);
      const secondMs = performance.now() - start;
      return { startMs, firstMs, secondMs, firstReported: first.seconds * 1000, secondReported: second.seconds * 1000, ok: first.ok };
    } finally {
      await probe.close();
    }
  });
  const first = summarize(samples.map((s) => s.firstMs));
  // What a retry would cost without the warm worker: a new interpreter, the Keras import, then the load.
  const fresh = summarize(samples.map((s) => s.startMs + s.firstMs));
  const second = summarize(samples.map((s) => s.secondMs));
  return {
    model,
    start: summarize(samples.map((s) => s.startMs)),
    first,
    second,
    firstReported: summarize(samples.map((s) => s.firstReported)),
    secondReported: summarize(samples.map((s) => s.secondReported)),
    ratio: ratio(second, first),
    fresh,
    ratioToFresh: ratio(second, fresh),
    loads: samples[0].ok,
  };
}

export function describeWarmLoad(r) {
  return [
    `${r.model} (${r.loads ? "loads" : "fails"}): second load ${formatSummary(r.second)} vs first ${formatSummary(r.first)} → ×${r.ratio.toFixed(2)}`,
    `  vs a fresh worker for the retry (start + import + load) ${formatSummary(r.fresh)} → ×${r.ratioToFresh.toFixed(3)}`,
    `  worker start + Keras import ${formatSummary(r.start)}; as Python timed them: first ${formatSummary(r.firstReported)}, second ${formatSummary(r.secondReported)}`,
  ].join("\n");
}
