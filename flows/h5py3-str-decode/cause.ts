// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const h5py3StrDecode: Cause = {
  id: "h5py3-str-decode",
  title: "h5py3-str-decode",
  summary: () => paragraphs("h5py3-str-decode"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "h5py3-str-decode", body: () => paragraphs("h5py3-str-decode") }],
};
