// The file itself is hostile or carries something that acts outside the model when loaded: a config that makes
// Keras import and call `subprocess.run`, a TFSMLayer or vocabulary path that reads another file, a pickle in the
// weights, an archive whose members differ per reader (the safety read, src/core/inspect/safety.ts). It outranks
// every other cause: no advice may end in loading such a file unasked. Found three ways: the safety read alone
// (detect), keras-fix's runtime guard refusing an import during a load (`KerasFixRefusedImport: ... module 'os'`,
// from the probe's guard), and Keras ≥ 3.9 / 3.11 refusing the same config with errors that otherwise mean a
// missing custom object ("Could not locate class 'run'", "not a KerasSaveable subclass") once the read has named
// the file dangerous.
import { code, paragraphs, strong, text } from "../../src/core/content.js";
import { withInstalled } from "../../src/core/inspect/safety-exposure.js";
import type { Cause, Facts, LoadAttempt, SafetyFinding, StepContext, Token } from "../../src/core/types.js";

const RISK =
  "Loading this file may run commands, read or write files, or fetch URLs with your user's rights: keras-fix found the findings listed above in it. Only say yes for a file whose source you trust completely.";

/** Formats that reach a Keras loader; a PyTorch pickle or an HTML page is diagnosed as what it is instead. */
const LOADABLE = new Set(["h5-model", "keras-zip", "savedmodel", "keras-json", "tfjs"]);

export function dangerousFindings(facts: Pick<Facts, "file" | "env">): SafetyFinding[] {
  const file = facts.file;
  if (!file || !LOADABLE.has(file.format) || file.safety?.verdict !== "dangerous") return [];
  return file.safety.findings.filter((f) => f.severity === "dangerous").map((f) => withInstalled(f, facts.env));
}

const isDangerous = (facts: Pick<Facts, "file" | "env">) => dangerousFindings(facts).length > 0;

function installedLine(finding: SafetyFinding): string {
  if (finding.installedOpen === true) return " Your installed Keras is open to it.";
  if (finding.installedOpen === false) return " Your installed Keras refuses it, but other tools and versions may not.";
  return "";
}

function findingParagraph(finding: SafetyFinding, index: number): Token[] {
  return [
    strong(`${index + 1}. `),
    code(finding.where),
    text(`: ${finding.why}`),
    text(` Open in: ${finding.openIn}${finding.advisory ? ` (${finding.advisory})` : ""}.`),
    text(installedLine(finding)),
  ];
}

export const unsafeModelFile: Cause = {
  id: "unsafe-model-file",
  title: "The model file carries something that would act outside the model when loaded",
  summary: (ctx) => {
    const refused = ctx.diagnosis.captures.module;
    if (refused) return paragraphs(["Loading tried to import ", code(refused), ", a module no model needs; keras-fix stopped it."]);
    const count = dangerousFindings(ctx).length;
    return paragraphs(`keras-fix's safety read found ${count} thing${count === 1 ? "" : "s"} in this file that could run code, touch files or fetch URLs when loaded, so it did not load it.`);
  },
  matchers: [
    {
      // keras-fix's own runtime guard in the probe (src/python/keras_probe.py): a load tried to import a module
      // outside the Keras namespaces and the user's code.
      // Its own wording only: untyped text (a pytest "ImportError while importing test module '...'") is not it.
      type: /^KerasFixRefusedImport$/,
      message: /keras-fix refused [^\n]*?module '(?<module>[^']+)'/,
      weight: 0.97,
      means: "keras-fix's guard refused an import the file asked for",
    },
    {
      // The same guard refusing a file/network/process API reached through Keras' own public API (get_file...).
      type: /^KerasFixRefusedImport$/,
      message: /keras-fix refused to use (?<api>[\w.]+)/,
      weight: 0.97,
      means: "keras-fix's guard refused a function the file names that loads, saves, fetches or runs things",
    },
    {
      // Keras 3 ≥ 3.9 refuses modules outside keras/keras_hub/keras_cv/keras_nlp, and ≥ 3.11 non-Saveable
      // attributes, with the missing-object wording (research keras-security.md §3).
      type: /^(?:TypeError|ValueError)$/,
      message: /Could not (?:locate|deserialize) (?:class|function|object)?\s*'(?<name>[^']+)'/,
      weight: 0.8,
      means: "Keras refused a name the config asks it to import",
    },
    {
      type: /^(?:TypeError|ValueError)$/,
      message: /not a `?KerasSaveable`? subclass|is not a modeling (?:function|API)|non[- ]modeling/i,
      weight: 0.8,
      means: "Keras refused a function that loads, saves or fetches instead of modelling",
    },
    {
      // Keras 3's own refusals of hostile archives and HDF5 files (mined table, saving_lib / file_editor): external
      // or virtual datasets, decompression bombs, a registered name forced onto a built-in.
      type: /^ValueError$/,
      message:
        /(?<refusal>Not allowed: (?:H5 |ZIP member |archive member )[^\n]*|Refusing to load npz weight [^\n]*decompression bomb|`registered_name=[^`]*` was provided in the config, but '[^']+' resolved to a Keras built-in)/,
      weight: 0.9,
      means: "Keras itself refused something in the file that a saved model never holds",
    },
  ],
  when: (captures, facts) => {
    if (captures.module !== undefined || captures.api !== undefined) return 1.1;
    // Keras' own wording means a missing custom object unless the safety read already named the file dangerous.
    // Keras' own refusal of a hostile archive or dataset (mined table) says so by itself.
    if (captures.refusal !== undefined) return 1.1;
    return isDangerous(facts) ? 1.3 : false;
  },
  detect: (facts) => {
    const found = dangerousFindings(facts);
    if (found.length === 0) return null;
    return {
      confidence: 0.97,
      captures: { finding: found[0].id, where: found[0].where },
      evidence: found.slice(0, 5).map((f) => `the safety read found ${f.id} at ${f.where}`),
    };
  },
  outranks: isDangerous,
  culprit: (captures, facts) => {
    if (captures.module) return `module ${captures.module}`;
    if (captures.api) return captures.api;
    const first = dangerousFindings(facts)[0];
    return first ? first.where : captures.name ?? null;
  },
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "What keras-fix found in the file",
      body: (ctx) => {
        const found = dangerousFindings(ctx);
        const refused = ctx.diagnosis.captures.module;
        return [
          ...(refused ? paragraphs(["While loading, the file asked Python to import ", code(refused), ". keras-fix allows only Keras' own modules and your code during a load, so it refused."]) : []),
          ...(found.length > 0 ? paragraphs("keras-fix read the file's bytes without running anything and found:") : []),
          ...found.map(findingParagraph),
          ...paragraphs(
            "Keras does not write these things when it saves a model: someone built or edited the file this way, or it was damaged. keras-fix did not load it.",
            "Changing your Keras version is not a fix: a release that loads this file would do so by acting on what is listed above.",
          ),
        ];
      },
      next: "choose",
    },
    {
      kind: "choice",
      id: "choose",
      title: "What now?",
      options: [
        { id: "stop", label: "Do not load it (get a clean copy from the model's author)", next: "refused" },
        {
          id: "load",
          label: "I trust this file completely: load it anyway",
          needsConsent: { risk: RISK },
          next: "verify-anyway",
        },
      ],
      auto: "stop",
    },
    {
      kind: "action",
      id: "verify-anyway",
      title: "Load it, as you asked",
      action: () => ({ kind: "verify-load", fix: { safeMode: false, allowStoredCode: true } }),
      onSuccess: "loaded",
      onFailure: "load-failed",
    },
    {
      kind: "end",
      id: "loaded",
      outcome: "fixed",
      title: "It loaded, because you allowed it",
      body: () =>
        paragraphs(
          "The model loaded with its findings allowed. Whatever the file carried had its chance to run during that load.",
          "Save a clean copy from a trusted environment (model.save('clean.keras')) and check it again with keras-fix inspect.",
        ),
    },
    {
      kind: "end",
      id: "load-failed",
      outcome: "escalate",
      title: "It does not load even with your permission",
      body: (ctx) => {
        const attempt = ctx.results["verify-anyway"]?.data?.attempt as LoadAttempt | undefined;
        const final = attempt?.chain[attempt.chain.length - 1];
        return paragraphs(
          final ? ["Loading fails with ", code(`${final.type}: ${final.message.split("\n")[0]}`), "."] : "Loading still fails.",
          "Ask the model's author for a file saved by model.save() without the parts listed above.",
        );
      },
    },
    {
      kind: "end",
      id: "refused",
      outcome: "not-fixed",
      title: "Not loaded: the file is unsafe as it is",
      body: () =>
        paragraphs(
          "Ask the model's author for a plain model.save() file (or the code that builds the model and a weights-only file), and check it with keras-fix inspect before loading it.",
          [text("If you must use this one, load it only in a throwaway container or VM, with a Keras that refuses every finding above (the newest release of each line: "), code("keras>=3.15.1"), text(" or 3.12.4), never by moving to a release that is open to them.")],
        ),
    },
  ],
};
