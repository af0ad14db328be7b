// The options every mode takes, as the CLI parsed them. It lives beside the modes (not in src/cli.tsx) so that the
// modes never import the entry point that imports them.
export interface CliOptions {
  auto: boolean;
  json: boolean;
  python?: string;
  timeoutSeconds: number;
  model?: string;
  customObjects?: string;
  /** --try-versions: --auto may prove version plans in throwaway trial environments (never the user's). */
  tryVersions?: boolean;
  /** --bring-home: --auto may write <model>.home.keras, from the trial that proved a plan or from tf_keras. */
  bringHome?: boolean;
  /** --write-loaders: --auto writes a load_<model>.py script for a proven fix (otherwise it only shows it). */
  writeLoaders?: boolean;
}
