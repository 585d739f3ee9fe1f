/**
 * Test support for the ops tests that need programs from Debian packages (`promtool` and
 * `prometheus` from `prometheus`, `chromium`): finds a command on PATH and, when it is missing,
 * installs its package with apt-get once per machine. Several test files may ask at the same
 * time, so installs run under an exclusive file lock and re-check after taking it.
 */

/** A command ready to run, or why a test has to be skipped. */
export type SystemTool = { path: string } | { skip: string };

const LOCK_PATH = "/tmp/shoal-ops-apt.lock";
const UPDATED_MARKER = "/tmp/shoal-ops-apt-updated";
/** `apt-get update` is repeated only when the last one is older than this. */
const UPDATE_MAX_AGE_MS = 6 * 3600_000;

/** The absolute path of `command` on PATH, or null. */
export async function which(command: string): Promise<string | null> {
  const dirs = (Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  for (const dir of [...dirs, "/usr/sbin", "/sbin"]) {
    if (dir === "") continue;
    const path = `${dir}/${command}`;
    try {
      const info = await Deno.stat(path);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return path;
    } catch {
      // not in this directory
    }
  }
  return null;
}

async function run(args: string[]): Promise<{ ok: boolean; tail: string }> {
  try {
    const out = await new Deno.Command(args[0], {
      args: args.slice(1),
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { ok: out.success, tail: text.trim().split("\n").slice(-3).join(" | ") };
  } catch (error) {
    return { ok: false, tail: String(error) };
  }
}

async function recentlyUpdated(): Promise<boolean> {
  try {
    const info = await Deno.stat(UPDATED_MARKER);
    return info.mtime !== null && Date.now() - info.mtime.getTime() < UPDATE_MAX_AGE_MS;
  } catch {
    return false;
  }
}

async function install(pkg: string): Promise<string | null> {
  if (Deno.uid?.() !== 0) return `cannot install Debian package ${pkg}: not running as root`;
  if ((await which("apt-get")) === null) return `cannot install ${pkg}: apt-get is not available`;
  console.error(`installing Debian package ${pkg} for the ops tests (once per machine)…`);
  const lockOpt = ["-o", "DPkg::Lock::Timeout=300"];
  if (!(await recentlyUpdated())) {
    const update = await run(["apt-get", ...lockOpt, "update"]);
    if (!update.ok) return `apt-get update failed: ${update.tail}`;
    await Deno.writeTextFile(UPDATED_MARKER, new Date().toISOString());
  }
  const result = await run([
    "apt-get",
    ...lockOpt,
    "install",
    "-y",
    "--no-install-recommends",
    pkg,
  ]);
  return result.ok ? null : `apt-get install ${pkg} failed: ${result.tail}`;
}

const memo = new Map<string, Promise<SystemTool>>();

/**
 * The path of `command`, installing Debian package `pkg` when the command is missing (once per
 * machine, under a lock shared by all test files); `{ skip }` says why when that is impossible.
 */
export function ensureSystemTool(command: string, pkg: string): Promise<SystemTool> {
  const key = `${command}\0${pkg}`;
  let pending = memo.get(key);
  if (pending === undefined) {
    pending = locate(command, pkg);
    memo.set(key, pending);
  }
  return pending;
}

async function locate(command: string, pkg: string): Promise<SystemTool> {
  const found = await which(command);
  if (found !== null) return { path: found };
  const lock = await Deno.open(LOCK_PATH, { create: true, write: true });
  try {
    await lock.lock(true);
    const again = await which(command);
    if (again !== null) return { path: again };
    const failure = await install(pkg);
    if (failure !== null) return { skip: failure };
    const installed = await which(command);
    return installed !== null
      ? { path: installed }
      : { skip: `package ${pkg} installed but ${command} is not on PATH` };
  } finally {
    lock.close();
  }
}

/** Prints why a test file's tests are skipped, once, so a skip is never silent. */
export function reportSkip(tool: SystemTool, what: string): boolean {
  if ("skip" in tool) {
    console.error(`skipping ${what}: ${tool.skip}`);
    return true;
  }
  return false;
}
