// How much a trial environment downloads, for the consent ("about 540 MB to download"): pip's dry-run report names
// every file it would fetch; a HEAD of each file's URL (else PyPI's JSON API) gives its size; pip's own HTTP cache
// says which it already has.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface PlannedFile {
  name: string;
  version: string;
  url: string;
  filename: string;
}

export interface DownloadEstimate {
  /** Bytes of every file pip would fetch whose size PyPI told. */
  totalBytes: number;
  /** Of those, the bytes already in pip's HTTP cache (pip does not fetch them again). */
  cachedBytes: number;
  files: number;
  /** Files whose size nobody could tell (not on PyPI, offline, a local index). */
  unknown: number;
}

/** The files pip's `--report -` says it would download. */
export function plannedFiles(reportJson: string): PlannedFile[] {
  try {
    const report = JSON.parse(reportJson) as { install?: { download_info?: { url?: string }; metadata?: { name?: string; version?: string } }[] };
    return (report.install ?? []).flatMap((item) => {
      const url = item.download_info?.url;
      const { name, version } = item.metadata ?? {};
      if (!url || !name || !version || url.startsWith("file:")) return [];
      return [{ name, version, url, filename: decodeURIComponent(url.split("#")[0].split("/").at(-1) ?? "") }];
    });
  } catch {
    return [];
  }
}

/** pip's cache folder: PIP_CACHE_DIR, else <XDG_CACHE_HOME or ~/.cache>/pip (Linux; pip's default there). */
export function pipCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "pip");
}

/**
 * True when pip's HTTP cache holds this URL's response. pip keys it by sha224 of the URL, in folders named by the
 * first four pairs of hex digits (pip's SafeFileCache); pip ≥ 23.3 writes http-v2/<key>.body, older pips http/<key>.
 */
export function pipHasCached(url: string, cacheDir: string): boolean {
  const key = createHash("sha224").update(url).digest("hex");
  const parts = [key.slice(0, 2), key.slice(2, 4), key.slice(4, 6), key.slice(6, 8), key];
  return existsSync(join(cacheDir, "http-v2", ...parts.slice(0, 4), `${key}.body`)) || existsSync(join(cacheDir, "http", ...parts));
}

type FileSizes = Map<string, number>;

/** The file's size from a HEAD of its own URL (one small request; PyPI's per-release JSON is not always served). */
async function headSize(url: string, fetcher: typeof fetch, timeoutMs: number): Promise<number | null> {
  try {
    const response = await fetcher(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    const length = Number(response.headers.get("content-length"));
    return response.ok && Number.isFinite(length) && length > 0 ? length : null;
  } catch {
    return null;
  }
}

/** filename → size for one release, from PyPI's JSON API (the release's URL, else the project's `releases`). */
async function releaseFileSizes(name: string, version: string, fetcher: typeof fetch, timeoutMs: number): Promise<FileSizes> {
  const sizes: FileSizes = new Map();
  const read = async (url: string, pick: (body: Record<string, unknown>) => unknown) => {
    const response = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) return false;
    const files = pick((await response.json()) as Record<string, unknown>);
    if (!Array.isArray(files)) return false;
    for (const file of files as { filename?: string; size?: number }[]) {
      if (file.filename && typeof file.size === "number") sizes.set(file.filename, file.size);
    }
    return true;
  };
  const base = `https://pypi.org/pypi/${encodeURIComponent(name)}`;
  try {
    if (await read(`${base}/${encodeURIComponent(version)}/json`, (body) => body.urls)) return sizes;
    await read(`${base}/json`, (body) => (body.releases as Record<string, unknown> | undefined)?.[version]);
  } catch {
    // Offline or refused: the size stays unknown.
  }
  return sizes;
}

/** Sizes of the files pip would fetch, and how much of it pip's cache already holds. Never throws. */
export async function estimateDownload(
  reportJson: string,
  options: { fetcher?: typeof fetch; cacheDir?: string; timeoutMs?: number } = {},
): Promise<DownloadEstimate> {
  const files = plannedFiles(reportJson);
  const cacheDir = options.cacheDir ?? pipCacheDir();
  const fetcher = options.fetcher ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const sizes = await Promise.all(
    files.map(async (file) => (await headSize(file.url, fetcher, timeoutMs)) ?? (await releaseFileSizes(file.name, file.version, fetcher, timeoutMs)).get(file.filename) ?? null),
  );
  let totalBytes = 0;
  let cachedBytes = 0;
  let unknown = 0;
  files.forEach((file, index) => {
    const size = sizes[index];
    if (size === null) {
      unknown += 1;
      return;
    }
    totalBytes += size;
    if (pipHasCached(file.url, cacheDir)) cachedBytes += size;
  });
  return { totalBytes, cachedBytes, files: files.length, unknown };
}

/** "about 540 MB to download (120 MB of it already in pip's cache)". */
export function describeEstimate(estimate: DownloadEstimate): string {
  const mb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1_000_000))} MB`;
  if (estimate.files === 0) return "nothing to download";
  if (estimate.totalBytes === 0) return `${estimate.files} files to download (their sizes could not be read from PyPI)`;
  const fresh = estimate.totalBytes - estimate.cachedBytes;
  const cached = estimate.cachedBytes > 0 ? ` (${mb(estimate.cachedBytes)} more already in pip's cache)` : "";
  const unknown = estimate.unknown > 0 ? `, plus ${estimate.unknown} files of unknown size` : "";
  return `about ${fresh > 0 ? mb(fresh) : "0 MB"} to download${cached}${unknown}`;
}
