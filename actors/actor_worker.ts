/// <reference lib="deno.worker" />
/**
 * The one generic Worker entry of the runtime. A host starts it with `init` naming the module
 * URL and definition name of an actor; it imports that module, finds the definition among its
 * exports and serves it (see `_actor_runner.ts`). Uncaught errors and unhandled rejections inside
 * the Worker are reported to the host as a crash (reason `error`) instead of being printed, and a
 * `self.close()` by actor code is reported as `closed` before the Worker goes away.
 */
import { isActorDefinition } from "./actor_definition.ts";
import { serveActor } from "./_actor_runner.ts";
import { type MessagePortLike, portTransport } from "./transport.ts";

const scope = self as unknown as MessagePortLike;
const closeScope = self.close.bind(self);
let runner: ReturnType<typeof serveActor> | null = null;

self.addEventListener("error", (event) => {
  event.preventDefault();
  runner?.fail(event.message);
});
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  runner?.fail(`Unhandled rejection: ${describe(event.reason)}`);
});

const transport = portTransport({
  postMessage: (message, options) => scope.postMessage(message, options),
  get onmessage() {
    return scope.onmessage;
  },
  set onmessage(handler) {
    scope.onmessage = handler;
  },
  get onmessageerror() {
    return scope.onmessageerror;
  },
  set onmessageerror(handler) {
    scope.onmessageerror = handler;
  },
  close: () => closeScope(),
});

// Actor code that closes the Worker itself is a termination the host must hear about.
self.close = () => {
  runner?.closing();
  closeScope();
};

runner = serveActor(transport, async (url, name) => {
  const module: Record<string, unknown> = await import(url);
  const found = Object.values(module).filter(isActorDefinition).filter((def) => def.name === name);
  if (found.length !== 1) {
    throw new TypeError(
      `Cannot load actor ${name} from ${url}: expected one exported definition with that name, found ${found.length}`,
    );
  }
  return found[0];
});

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}
