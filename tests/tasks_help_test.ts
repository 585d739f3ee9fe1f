import assert from "node:assert/strict";

/** Every user-facing task in deno.json, read from the file so a new task is covered at once. */
async function userTasks(): Promise<Array<[string, string]>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  return Object.entries(config.tasks as Record<string, string>).filter(([name]) => name !== "test");
}

Deno.test("every deno task except test answers --help with exit code 0 and a usage text", async () => {
  const tasks = await userTasks();
  assert.ok(tasks.length >= 8, `expected at least 8 tasks, got ${tasks.length}`);
  for (const [name, command] of tasks) {
    const script = command.split(" ").find((part) => part.endsWith(".ts"));
    assert.ok(script, `task ${name} does not run a .ts entry point: ${command}`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--help"],
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `task ${name} --help exited ${out.code}`);
    assert.match(text, new RegExp(`deno task ${name}`), `task ${name} --help does not name itself`);
  }
});
