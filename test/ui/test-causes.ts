// Small causes made for the wizard tests: every step kind, a consent option, an option shown only `when` it holds,
// an input, actions that succeed or fail. Nothing here is about a real Keras failure.
import { code, paragraphs, python } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const walkCause: Cause = {
  id: "test-walk",
  title: "A test layer is missing",
  summary: (ctx) => paragraphs(["The file uses ", code(ctx.diagnosis.culprit ?? "?"), " but nothing defines it."]),
  matchers: [],
  start: "intro",
  steps: [
    { kind: "info", id: "intro", title: "What happens next", body: () => paragraphs("We will load the model again with your code."), next: "pick" },
    {
      kind: "choice",
      id: "pick",
      title: "Where is the code for the layer?",
      auto: "giveup",
      options: [
        { id: "found", label: (ctx) => `Use the module we found (${ctx.inputs.found})`, when: (ctx) => Boolean(ctx.inputs.found), next: "verify" },
        { id: "type", label: "Type the path to the .py file", next: "ask" },
        { id: "unsafe", label: "Run the code stored in the file", needsConsent: { risk: "This runs code stored inside the model file on your machine." }, next: "unsafe-verify" },
        { id: "giveup", label: "Stop here", next: "stopped" },
      ],
    },
    { kind: "input", id: "ask", title: "Which file defines the layer?", prompt: "Path to the .py file", key: "module", next: "verify" },
    {
      kind: "action",
      id: "verify",
      title: "Loading the model with your module",
      action: (ctx) => ({ kind: "verify-load", fix: { customObjectsModule: ctx.inputs.module ?? ctx.inputs.found } }),
      onSuccess: "keep",
      onFailure: "failed",
    },
    {
      kind: "choice",
      id: "keep",
      title: "Keep this fix?",
      auto: "write",
      options: [
        { id: "write", label: "Write a loader script next to the model", next: "write" },
        { id: "no", label: "No file, thanks", next: "fixed" },
      ],
    },
    {
      kind: "action",
      id: "write",
      title: "Writing the loader",
      action: (ctx) => ({ kind: "write-loader", fix: { customObjectsModule: ctx.inputs.module ?? ctx.inputs.found } }),
      onSuccess: "fixed",
      onFailure: "failed",
    },
    {
      kind: "action",
      id: "unsafe-verify",
      title: "Loading with the file's own code",
      action: () => ({ kind: "verify-load", fix: { safeMode: false } }),
      onSuccess: "fixed",
      onFailure: "failed",
    },
    { kind: "end", id: "fixed", outcome: "fixed", title: "The model loads with your module", body: () => paragraphs("Load it with the loader from now on.") },
    { kind: "end", id: "failed", outcome: "not-fixed", title: "It still does not load", body: () => paragraphs("The module did not define the layer.") },
    { kind: "end", id: "stopped", outcome: "not-fixed", title: "Stopped before a fix", body: () => paragraphs("Nothing was changed.") },
  ],
};

/** An action first, then an escalation: the walk can start with a step that asks nothing. */
export const escalateCause: Cause = {
  id: "test-escalate",
  title: "Keras itself has a bug here",
  summary: () => paragraphs("This Keras release cannot load such files."),
  matchers: [],
  start: "check",
  steps: [
    { kind: "action", id: "check", title: "Checking the release", action: () => ({ kind: "find-sources", names: ["X"] }), onSuccess: "up", onFailure: "up" },
    { kind: "end", id: "up", outcome: "escalate", title: "Upgrade Keras", body: () => paragraphs("Upgrade with:", [python("pip install -U keras")]) },
  ],
};
