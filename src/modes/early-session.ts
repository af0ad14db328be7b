// The wizard's diagnosis starts before Ink loads: Python's Keras import is the long pole, so it should not wait for
// the UI. The early session runs diagnose() at once, keeps the progress it reports, and hands both to the App when
// it asks: the App sees every stage as if it had started the run itself.
import type { DiagnoseResult, DiagnoseSession, StageProgress } from "../engine/session.js";

export function startEarly(session: DiagnoseSession): DiagnoseSession {
  const seen: StageProgress[] = [];
  let listener: ((progress: StageProgress) => void) | null = null;
  const running: Promise<DiagnoseResult> = session.diagnose((progress) => {
    seen.push(progress);
    listener?.(progress);
  });
  // Handled by whoever calls diagnose(); until then a failure must not count as an unhandled rejection.
  running.catch(() => undefined);
  let handedOut = false;
  return {
    diagnose(onProgress) {
      if (handedOut) return Promise.reject(new Error("the early diagnosis was already handed out"));
      handedOut = true;
      for (const progress of seen) onProgress(progress);
      listener = onProgress;
      return running;
    },
    runAction: (request, onProgress) => session.runAction(request, onProgress),
    close: () => session.close(),
  };
}
