// Failures that come from a known bug of particular Keras releases rather than from the file or the code:
// Keras 2.12's model.save("m.keras") writing HDF5 (Keras 3 then says "File not found ... accessible `.keras` zip
// file": keras2/h5_named_dot_keras.keras in the keras3 env), and Keras 3.0.0–3.2.x dropping custom_objects and
// compile for .h5 files (research §0.4, fixed in 3.3.0).
import { code, paragraphs, python, shell, strong, text } from "../../src/core/content.js";
import type { Cause, Facts, LoadFix, StepContext } from "../../src/core/types.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Matcher } from "../../src/core/types.js";
import { builtinsFor, cataloguesDir, type BuiltinKind } from "../../src/core/versions/builtins.js";
import { loaderKerasVersion } from "../../src/core/versions/versions.js";
import { compareVersions } from "../../src/core/versions/numbers.js";

/** One entry of catalogues/release-bugs.json: a known bug of some releases, recognised by its type, wording and frame. */
export interface ReleaseBug {
  id: string;
  title: string;
  component: string;
  package: string;
  releases: string;
  fixedIn: string;
  type: string;
  wording: string;
  frames: string | null;
  weight?: number;
  reproduced: string;
  evidence: string;
}

/** The catalogue of known release bugs (data, not code: catalogues/release-bugs.json). */
export function releaseBugs(): ReleaseBug[] {
  const data = JSON.parse(readFileSync(join(cataloguesDir(), "release-bugs.json"), "utf8")) as { bugs: ReleaseBug[] };
  return data.bugs;
}

const RELEASE_BUGS = releaseBugs();
// Each entry becomes a matcher whose empty named group `rb<index>` tells `when` and the texts which entry it was.
const RELEASE_BUG_MATCHERS: Matcher[] = RELEASE_BUGS.map((bug, index) => ({
  type: new RegExp(`^(?:${bug.type})$`),
  message: new RegExp(`(?<rb${index}>)${bug.wording}`),
  ...(bug.frames ? { frame: new RegExp(bug.frames) } : {}),
  weight: bug.weight ?? 0.8,
  means: `the wording of a known bug of ${bug.releases}: ${bug.title}`,
}));

/** The catalogue entry a diagnosis' captures point at, if any. */
export function releaseBugOf(captures: Record<string, string>): ReleaseBug | null {
  const key = Object.keys(captures).find((name) => /^rb\d+$/.test(name));
  return key ? RELEASE_BUGS[Number(key.slice(2))] ?? null : null;
}

/**
 * `loadAs` asks the probe to load a temporary copy of the file under another extension (the user's file is never
 * renamed). Not yet in LoadFix (src/core/types.ts): requested from the lead; until the probe honours it the
 * verification fails and the walk ends with the manual copy.
 */

/**
 * An HDF5 model under a name Keras 3 does not read as HDF5: it goes by the name, and takes only `.h5`/`.hdf5`
 * (saving_api.load_model, case-sensitive). `.keras` (Keras 2.12 saved HDF5 under it) says "File not found";
 * anything else (`.model`, `.tf`, none) says "File format not supported". A copy named .h5 loads in both cases.
 */
function hdf5NamedKeras(facts: Facts): boolean {
  return facts.file?.format === "h5-model" && !/\.(?:h5|hdf5)$/.test(facts.file.path);
}

/** The name's extension as the user sees it (`.keras`, `.model`), or "no extension". */
function extensionOf(path: string): string {
  return /(\.[^./\\]+)$/.exec(path)?.[1] ?? "no extension";
}

function asH5(path: string, suffix = ".h5"): string {
  return /\.[^./\\]+$/.test(path) ? path.replace(/\.[^./\\]+$/, suffix) : `${path}${suffix}`;
}

/** Keras 3.0.0–3.2.x pass only the path to the legacy H5 loader (saving_api.py before 3.3.0). */
function h5DropsArguments(facts: Facts): boolean {
  const version = loaderKerasVersion(facts.env);
  return facts.env?.loader === "keras3" && !!version && compareVersions(version, "3.0.0") >= 0 && compareVersions(version, "3.3.0") < 0;
}

function bugParagraphs(bug: ReleaseBug) {
  return paragraphs(
    `This is a known bug of ${bug.releases}: ${bug.title}. The file is not at fault.`,
    `Fixed in: ${bug.fixedIn}. Load the file with a release outside the affected range (the one that saved it works too).`,
  );
}

function isCopyCase(ctx: StepContext): boolean {
  return !!ctx.diagnosis.captures.path || hdf5NamedKeras(ctx);
}

function copyCommand(path: string): string {
  const copy = asH5(path);
  return process.platform === "win32" ? `copy "${path}" "${copy}"` : `cp "${path}" "${copy}"`;
}

function scopeCode(ctx: StepContext): string {
  const path = ctx.modelPath ?? ctx.file?.path ?? "model.h5";
  const names = (ctx.file?.customObjects ?? []).map((ref) => ref.key);
  const mapping = names.length > 0 ? names.map((key) => `${JSON.stringify(key)}: ${key.split(">").pop()}`).join(", ") : '"MyLayer": MyLayer';
  return [
    "import keras",
    "from my_module import ...  # where your custom classes are defined",
    "",
    "# Keras 3.0–3.2 ignore custom_objects= for .h5 files; a scope is read on every path.",
    `with keras.saving.custom_object_scope({${mapping}}):`,
    `    model = keras.models.load_model(${JSON.stringify(path)})`,
  ].join("\n");
}

export const kerasReleaseBug: Cause = {
  id: "keras-release-bug",
  title: "A known bug of this Keras release",
  summary: (ctx) =>
    releaseBugOf(ctx.diagnosis.captures)
      ? paragraphs(`A known bug of ${releaseBugOf(ctx.diagnosis.captures)!.releases}: ${releaseBugOf(ctx.diagnosis.captures)!.title} (fixed in ${releaseBugOf(ctx.diagnosis.captures)!.fixedIn}).`)
      : ctx.diagnosis.captures.builtinName !== undefined
      ? paragraphs(`${ctx.diagnosis.captures.builtinName} is one of Keras' own names, yet this Keras reported it as unknown: a bug of this release or a file from another Keras version, not missing custom code.`)
      : isCopyCase(ctx)
      ? paragraphs(
          /\.keras$/i.test(ctx.file?.path ?? ctx.modelPath ?? "")
            ? "The file is HDF5 with a .keras name (Keras 2.12 saved it that way); Keras 3 only reads .keras zips under that name."
            : `The file is an HDF5 model named ${extensionOf(ctx.file?.path ?? ctx.modelPath ?? "")}; Keras 3 picks the loader by the name and reads HDF5 only as .h5 or .hdf5.`,
        )
      : paragraphs(`Keras ${loaderKerasVersion(ctx.env) ?? "3.0–3.2"} ignores custom_objects= and compile= for .h5 files (fixed in Keras 3.3).`),
  matchers: [
    ...RELEASE_BUG_MATCHERS,
    {
      type: /^ValueError$/,
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      weight: 0.7,
      means: "Keras 3 could not open the path as a .keras zip",
    },
    {
      type: /^ValueError$/,
      // Keras 3 saving_api for a name that is neither .keras nor .h5/.hdf5; an HDF5 model under it (see `when`).
      message: /(?<unsupported>File format not supported): filepath=(?<path>.*?)\. Keras 3 only supports V3 `\.keras` files/,
      weight: 0.7,
      means: "Keras 3 reads a file by its name, and this name is neither .keras nor .h5",
    },
    {
      type: /^ValueError$/,
      // R10 from the legacy H5 loader although the calling line passed custom_objects= (or compile=False): the
      // user did the right thing and Keras 3.0–3.2 dropped it. Claimed only in those versions (see `when`).
      message: /Unknown (?<objectKind>layer|object|loss function|metric function|activation function|optimizer|config_item): '(?<className>[^']+)'/,
      frame: /load_model\(.*(?:custom_objects\s*=|compile\s*=\s*False)/,
      weight: 0.8,
      means: "an H5 class lookup failed in a Keras that drops custom_objects for .h5 files",
    },
    {
      // Issue 9 §8: a release that fails to look up its own built-in by a name older files store (an initializer,
      // an optimizer). The name is checked against the catalogues in `when`: a custom name never reaches here.
      type: /^(?:ValueError|TypeError)$/,
      message:
        /(?:Unknown (?<builtinKind>initializer|activation function|activation|regularizer|constraint|optimizer|loss function|loss|metric function|metric)|Could not interpret (?<builtinKind2>initializer|activation function|regularizer|constraint|optimizer|loss|metric)(?: function)? identifier|Could not locate (?:class|function)):? '?(?<builtinName>[A-Za-z_]\w*)'?(?:[.,)\s]|$)/,
      weight: 0.78,
      means: "a name Keras itself exports was reported as unknown",
    },
  ],
  when: (captures, facts) => {
    // A catalogued bug: its wording is the evidence (the range is in the text of the diagnosis).
    if (releaseBugOf(captures)) return true;
    if (captures.unsupported !== undefined) return hdf5NamedKeras(facts) ? 1.3 : false;
    if (captures.builtinName !== undefined) {
      const kind = captures.builtinKind ?? captures.builtinKind2 ?? "";
      const kinds = (/optimizer/.test(kind) ? ["optimizers"] : /loss/.test(kind) ? ["losses"] : /metric/.test(kind) ? ["metrics"]
        : kind ? ["activations", "initializers", "regularizers", "constraints"] : ["initializers", "optimizers", "activations", "regularizers", "constraints"]) as BuiltinKind[];
      const line: "keras3" | "tf-keras2" | "keras2" | null = facts.env?.loader === "keras3" ? "keras3" : facts.env?.loader === "tf_keras" ? "tf-keras2" : facts.env?.loader ? "keras2" : null;
      const exports = (l: "keras3" | "tf-keras2" | "keras2") => kinds.some((k) => builtinsFor(l).has(k, captures.builtinName));
      // The installed Keras exports it: a release bug for sure.
      if (line) return exports(line) ? 1.2 : false;
      // Without the loader: a name every Keras line exports is never custom code; one that only some lines export
      // (names were added over the versions: GlorotUniform, mish) stays an alternative to the custom-code causes.
      const lines = (["keras3", "tf-keras2", "keras2"] as const).filter(exports);
      return lines.length === 3 ? 0.9 : lines.length > 0 ? 0.45 : false;
    }
    if (captures.path !== undefined) {
      if (!facts.file) return 0.6;
      return hdf5NamedKeras(facts) ? 1.3 : false;
    }
    return h5DropsArguments(facts) && facts.file?.format !== "keras-zip" ? 1.3 : false;
  },
  detect: (facts) =>
    hdf5NamedKeras(facts) && facts.env?.loader === "keras3"
      ? {
          confidence: 0.7,
          captures: { path: facts.file!.path },
          evidence: [
            `${facts.file!.path} is an HDF5 file named ${extensionOf(facts.file!.path)}${facts.file!.kerasVersion ? ` (saved by Keras ${facts.file!.kerasVersion})` : ""}`,
            "Keras 3 reads HDF5 only under a .h5 or .hdf5 name",
          ],
        }
      : null,
  culprit: (captures, facts) =>
    releaseBugOf(captures)
      ? `${releaseBugOf(captures)!.component}: ${releaseBugOf(captures)!.title} (${releaseBugOf(captures)!.releases})`
      : captures.builtinName !== undefined
      ? `${captures.builtinName} is built into Keras: a release bug or a version crossing, not missing custom code`
      : captures.path !== undefined || hdf5NamedKeras(facts)
      ? `HDF5 file named ${extensionOf(facts.file?.path ?? captures.path ?? "")}${facts.file?.kerasVersion ? ` (Keras ${facts.file.kerasVersion})` : ""}`
      : `Keras ${loaderKerasVersion(facts.env) ?? "3.0–3.2"} drops custom_objects for .h5${captures.className ? `: ${captures.className}` : ""}`,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Why this Keras fails on it",
      body: (ctx) =>
        releaseBugOf(ctx.diagnosis.captures)
          ? bugParagraphs(releaseBugOf(ctx.diagnosis.captures)!)
          : isCopyCase(ctx)
          ? paragraphs(
              /\.keras$/i.test(ctx.file?.path ?? ctx.modelPath ?? "")
                ? "The file exists, but it is an HDF5 file with a .keras name. Keras 2.12 wrote HDF5 even for names ending in .keras (its new format was off by default); Keras 3 decides by the name, expects a zip archive, and reports \"File not found\"."
                : `The file is an HDF5 model named ${extensionOf(ctx.file?.path ?? ctx.modelPath ?? "")}. Keras 3 decides by the name: it reads HDF5 only from .h5 or .hdf5 names and reports "File format not supported" for others.`,
              "Loading a copy named .h5 uses the HDF5 loader. keras-fix checks that with a temporary copy; your file is not touched.",
            )
          : paragraphs(
              `Keras ${loaderKerasVersion(ctx.env) ?? "3.0–3.2"} passes only the path to its .h5 loader: custom_objects= and compile= are silently ignored (fixed in Keras 3.3.0).`,
              "So the custom classes you pass are not seen. A custom_object_scope is read on every path, or upgrade Keras.",
            ),
      next: "try",
    },
    {
      kind: "action",
      id: "try",
      title: "Checking the fix",
      action: (ctx) => {
        if (isCopyCase(ctx)) return { kind: "verify-load", fix: { loadAs: ".h5" } };
        // keras-fix loads with custom_object_scope, so the user's module (--custom-objects) is enough here.
        const module = ctx.inputs.customObjectsModule;
        const mapping = Object.fromEntries((ctx.file?.customObjects ?? []).map((ref) => [ref.key, ref.className]));
        return { kind: "verify-load", fix: module ? { customObjectsModule: module, customObjects: mapping } : {} };
      },
      onSuccess: "fixed",
      onFailure: "manual",
    },
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "It loads",
      body: (ctx) => {
        const path = ctx.modelPath ?? ctx.file?.path ?? "model.keras";
        return [
          ...(ctx.results.try?.summary ?? []),
          ...(isCopyCase(ctx)
            ? paragraphs("Make a copy with the .h5 name and load that (or re-save it as a real .keras file afterwards):", [shell(copyCommand(path))], [
                python(`import keras\nmodel = keras.models.load_model(${JSON.stringify(asH5(path))})\nmodel.save(${JSON.stringify(asH5(path, ".resaved.keras"))})  # a real .keras zip`),
              ])
            : paragraphs("Load it inside a custom_object_scope:", [python(scopeCode(ctx))])),
        ];
      },
    },
    {
      kind: "end",
      id: "manual",
      outcome: "not-fixed",
      title: "Do it by hand",
      body: (ctx) => {
        const path = ctx.modelPath ?? ctx.file?.path ?? "model.keras";
        const bug = releaseBugOf(ctx.diagnosis.captures);
        if (bug) return [...(ctx.results.try?.summary ?? []), ...bugParagraphs(bug)];
        return [
          ...(ctx.results.try?.summary ?? []),
          ...(isCopyCase(ctx)
            ? paragraphs([strong("Copy the file to a .h5 name"), text(" and load the copy:")], [shell(copyCommand(path))], [
                python(`import keras\nmodel = keras.models.load_model(${JSON.stringify(asH5(path))})`),
              ])
            : paragraphs(
                "Use a custom_object_scope (pass the module that defines the classes to keras-fix with --custom-objects to check it):",
                [python(scopeCode(ctx))],
                ["Or upgrade: ", code('pip install "keras>=3.3"'), text(" (Keras 3.3 passes custom_objects to the .h5 loader).")],
              )),
        ];
      },
    },
  ],
};
