// Whether `git lfs pull` can fetch the model from here (issue 21: it was offered where Git LFS was not installed, or
// where the pointer was not inside a repository, and then failed). Read from the file system only: a `.git` above
// the model, and a `git-lfs` program where git looks for its subcommands. Nothing is run.
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { gitRootOf } from "../../src/core/fixes/find-sources.js";
import { isExecutableFile } from "../../src/core/probe/find-python.js";

// Where git installs its own subcommands on common systems (`git --exec-path`), besides PATH.
const GIT_EXEC_PATHS = ["/usr/lib/git-core", "/usr/libexec/git-core", "/usr/local/libexec/git-core", "/opt/homebrew/libexec/git-core"];

/** Whether `git lfs` would find its program: `git-lfs` on PATH or in git's exec path. */
export function gitLfsInstalled(env: NodeJS.ProcessEnv = process.env, execPaths: string[] = GIT_EXEC_PATHS, platform: NodeJS.Platform = process.platform): boolean {
  const names = platform === "win32" ? ["git-lfs.exe"] : ["git-lfs"];
  const dirs = [...(env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter).filter(Boolean), ...execPaths];
  return dirs.some((dir) => names.some((name) => isExecutableFile(join(dir, name), platform)));
}

export interface LfsRoute {
  /** The repository the pointer sits in, or null when no `.git` is above it. */
  root: string | null;
  /** The model's path as `git lfs pull --include` takes it: relative to the repository's root (else as given). */
  include: string;
  gitLfs: boolean;
}

export function lfsRoute(modelPath: string, env: NodeJS.ProcessEnv = process.env, execPaths: string[] = GIT_EXEC_PATHS): LfsRoute {
  const absolute = resolve(modelPath);
  const root = gitRootOf(dirname(absolute));
  return { root, include: root ? relative(root, absolute).split("\\").join("/") : modelPath, gitLfs: gitLfsInstalled(env, execPaths) };
}

/** Both hold: the pull can work from here. */
export const canPull = (route: LfsRoute) => route.root !== null && route.gitLfs;
