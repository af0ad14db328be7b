// `keras-fix check --fix`: each model that fails is walked the way `--auto` walks one (src/modes/auto.ts), through its
// cause's safe automatic path, every fix proven by a real load; stored code never runs and no file found by a search
// is imported (only the --custom-objects the user named). With --write-loaders the walk's own write-loader step writes
// load_<model>.py beside the model (a new name, never over a file); a model that loaded only with --custom-objects
// gets its loader from the same step. With --bring-home, a Keras 2 file that this Keras 3 reads only through tf_keras
// beside it is brought home as a proven <model>.home.keras copy (new). Nothing else is written: no trial environment
// is made (--try-versions is not passed on).
import { dirname } from "node:path";
import type { EnvFacts, LoadFix } from "../../core/types.js";
import { createDiagnoseSession } from "../diagnose.js";
import { runEffect } from "../effects.js";
import { describeFix, walkChain } from "../fix-chain.js";
import { broughtHome, provenFix, walkLoader } from "../report.js";
import type { DiagnoseSession } from "../session.js";
import { displayPath, type FoundModel } from "./find.js";
import type { TimedResult } from "./result.js";

export interface FixOptions {
  python?: string;
  timeoutSeconds: number;
  /** --custom-objects: handed to a model's walk only when it defines some of that model's custom names. */
  customObjects?: string;
  writeLoaders: boolean;
  bringHome: boolean;
}

export interface Proven {
  proven: { fix: LoadFix; description: string } | null;
  loader: string | null;
  home: string | null;
}

const NOTHING: Proven = { proven: null, loader: null, home: null };
const proven = (fix: LoadFix | null) => (fix ? { fix, description: describeFix(fix) } : null);

export interface Fixer {
  /** The fix proven for this model (and its loader, when written); null for both when there is nothing to prove. */
  prove(model: FoundModel, checked: TimedResult, env: EnvFacts): Promise<Proven>;
  /** Stops the walk's Python, if one is running (Ctrl-C). */
  close(): Promise<void>;
}

export function createFixer(options: FixOptions): Fixer {
  let current: DiagnoseSession | null = null;
  let closed = false;
  const outputDir = (model: FoundModel) => dirname(model.absolute);

  /** A model that loaded with --custom-objects: that load proved the fix; its loader comes from the walk's writer. */
  async function loaderFor(model: FoundModel, used: NonNullable<TimedResult["loadedWith"]>, env: EnvFacts): Promise<Proven> {
    if (!options.writeLoaders) return { proven: proven(used.fix), loader: null, home: null };
    const facts = { file: used.file, env, load: null };
    const noPython = () => {
      throw new Error("writing a loader needs no Python");
    };
    const wrote = await runEffect({ kind: "write-loader", fix: used.fix }, { modelPath: model.absolute, facts, outputDir: outputDir(model), probe: noPython });
    return { proven: proven(used.fix), loader: typeof wrote.data?.path === "string" ? displayPath(wrote.data.path) : null, home: null };
  }

  /** A model that fails: diagnosed and walked by --auto's machinery, in a Python of its own. */
  async function walk(model: FoundModel, checked: TimedResult): Promise<Proven> {
    const inputs: Record<string, string> = {};
    if (options.writeLoaders) inputs.writeLoaders = "yes";
    if (options.bringHome) inputs.bringHome = "yes";
    if (checked.loadedWith?.fix.customObjectsModule) inputs.customObjectsModule = checked.loadedWith.fix.customObjectsModule;
    const session = createDiagnoseSession({ modelPath: model.absolute, python: options.python, timeoutSeconds: options.timeoutSeconds, inputs, outputDir: outputDir(model) });
    current = session;
    try {
      const result = await session.diagnose(() => undefined);
      if (closed || !result.cause || !result.diagnosis) return NOTHING;
      const links = await walkChain({ cause: result.cause, diagnosis: result.diagnosis }, { ...result, modelPath: model.absolute }, inputs, (request) => session.runAction(request));
      const final = links.at(-1)!.walk;
      const loader = walkLoader(final);
      const home = broughtHome(final);
      return { proven: proven(provenFix(final)), loader: loader?.written ? displayPath(loader.path) : null, home: home ? displayPath(home) : null };
    } finally {
      current = null;
      await session.close();
    }
  }

  return {
    async prove(model, checked, env) {
      if (closed) return NOTHING;
      if (checked.result.status === "fails") return walk(model, checked);
      if (checked.result.status === "loads" && checked.loadedWith) return loaderFor(model, checked.loadedWith, env);
      return NOTHING;
    },
    async close() {
      closed = true;
      await current?.close();
    },
  };
}
