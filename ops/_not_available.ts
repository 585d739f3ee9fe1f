/**
 * Entry point stand-in for a task whose feature is not built yet: answers `--help` with what the
 * task will do and otherwise prints `not available yet` and exits 2, so a script never mistakes
 * it for a run that happened.
 */
export function notAvailable(task: string, summary: string, args: readonly string[]): never {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`deno task ${task}: ${summary}\n\nThis task is not available yet.`);
    Deno.exit(0);
  }
  console.error(`deno task ${task}: not available yet`);
  Deno.exit(2);
}
