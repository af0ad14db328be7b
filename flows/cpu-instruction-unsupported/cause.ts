// The TensorFlow build uses CPU instructions (AVX, AVX2, FMA) this processor lacks, so Python dies with SIGILL
// ("Illegal instruction (core dumped)", exit status 132) while importing TensorFlow, with no Python traceback.
// Official wheels need AVX since TF 1.6; old Xeons/Pentiums/Celerons, some VMs and emulated x86 (Rosetta, QEMU)
// lack it. The probe reports the crash as an exception of type SIGILL (src/core/probe/probe.ts signalChain).
import { code, paragraphs, shell, strong } from "../../src/core/content.js";
import type { Cause, ExceptionInfo, Facts } from "../../src/core/types.js";

// zsh words it "illegal hardware instruction" (Apple Silicon running an x86 TensorFlow wheel under Rosetta).
// Windows reports the same death as STATUS_ILLEGAL_INSTRUCTION (exit code -1073741795, 0xC000001D); TF 1.x's guard
// said "your machine".
const SIGILL_TEXT =
  /[Ii]llegal (?:hardware )?instruction|signal SIGILL|\bSIGILL\b|exit (?:status|code) 132\b|exit code -1073741795\b|\b0xC000001D\b|The TensorFlow library was compiled to use (?<instructions>[\w.]+) instructions, but these aren't available on (?:this|your) machine/;

function crashed(chain: ExceptionInfo[] | null | undefined): ExceptionInfo | null {
  return chain?.find((exception) => exception.type === "SIGILL" || SIGILL_TEXT.test(exception.message)) ?? null;
}

function crashOf(facts: Facts): ExceptionInfo | null {
  return crashed(facts.env?.importError) ?? crashed(facts.load?.chain);
}

export const cpuInstructionUnsupported: Cause = {
  id: "cpu-instruction-unsupported",
  title: "This CPU cannot run this TensorFlow build",
  summary: (ctx) =>
    paragraphs([
      "Python was killed with ",
      strong("Illegal instruction"),
      " while importing TensorFlow",
      ctx.env?.packages.tensorflow ? ` ${ctx.env.packages.tensorflow}` : "",
      ": the build uses CPU instructions (",
      code(ctx.diagnosis.captures.instructions ?? "AVX"),
      ") this processor does not have.",
    ]),
  matchers: [
    {
      // The probe's own report of a signal (src/core/probe/probe.ts).
      type: /^SIGILL$/,
      // Not a catch-all: inner exceptions unwrapped from Keras wrappers have no type, and the type test is skipped
      // for them, so the message must say SIGILL itself (the probe writes "killed by signal SIGILL").
      message: SIGILL_TEXT,
      weight: 0.95,
      means: "Python was killed by SIGILL (an instruction the CPU does not support)",
    },
    {
      // What a shell prints ("Illegal instruction (core dumped)"), TF's own check (TF 1.6+ cpu_feature_guard, printed as
      // an F log line), and exit status 132 = 128 + SIGILL.
      message: SIGILL_TEXT,
      weight: 0.9,
      means: "the process died on an instruction the CPU does not support",
    },
    {
      // Windows shows no signal: the DLL fails to initialise. Also caused by a missing MSVC runtime, hence the
      // lower weight.
      type: /^ImportError$/,
      message: /(?<dll>DLL load failed)(?: while importing _pywrap_tensorflow_internal)?: A dynamic link library \(DLL\) initialization routine failed/,
      weight: 0.6,
      means: "TensorFlow's DLL could not initialise (no AVX, or a missing Visual C++ runtime)",
    },
  ],
  detect: (facts) => {
    const crash = crashOf(facts);
    return crash
      ? {
          confidence: 0.95,
          captures: {},
          evidence: [`Python died: ${crash.type ? `${crash.type}: ` : ""}${crash.message.split("\n")[0]}`],
        }
      : null;
  },
  // With an environment, the installed TensorFlow build. From a paste alone, the instructions it needs and the CPU
  // lacks: the ones TF's guard named, else AVX (every official wheel since TF 1.6); a Windows DLL failure may also be
  // a missing runtime, so it names TensorFlow alone.
  culprit: (captures, facts) => {
    if (facts.env?.packages.tensorflow) return `tensorflow ${facts.env.packages.tensorflow}`;
    return captures.dll !== undefined ? "tensorflow" : `${captures.instructions ?? "AVX"} (needed by the tensorflow build, missing from this CPU)`;
  },
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The CPU lacks instructions this TensorFlow needs",
      body: () =>
        paragraphs(
          "Official TensorFlow wheels are compiled for CPUs with AVX (and recent ones assume AVX2/FMA). Older CPUs, some virtual machines that hide AVX, and x86 emulation on ARM Macs (Rosetta) cannot run them, and the process dies before Python can print an error.",
          ["Check: on Linux ", code("grep -o -w 'avx\\|avx2\\|fma' /proc/cpuinfo | sort -u"), " lists what the CPU offers (empty = no AVX)."],
        ),
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Use a TensorFlow this CPU can run, or another backend",
      body: () =>
        paragraphs(
          [strong("Keras 3 without TensorFlow: "), "load the model with the JAX or PyTorch backend (a .keras or .h5 file without TF-only layers):"],
          [shell('pip install keras jax\nKERAS_BACKEND=jax python -c "import keras; keras.models.load_model(\'model.keras\')"')],
          [strong("On an ARM Mac: "), "use a native arm64 Python (not one running under Rosetta): ", code("python -c \"import platform; print(platform.machine())\""), " must say arm64."],
          [strong("In a VM: "), "enable passing the host CPU's features through (e.g. host-passthrough in libvirt/Proxmox, or a newer VirtualBox with AVX exposed)."],
          [strong("Otherwise: "), "a community TensorFlow build without AVX, built from source with -march matching the CPU, or another machine."],
        ),
    },
  ],
};
