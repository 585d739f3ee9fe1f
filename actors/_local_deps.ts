/**
 * Live objects (a `Gateway`, a file handle) that an in-process actor needs but that cannot travel
 * in its structured-clone config: the owner registers the object and puts the returned token in
 * the config; the actor's `create()` looks it up on every (re)start. Only for actors run with
 * `localActor` (a Worker has its own module instance and finds nothing).
 */
const registry = new Map<string, unknown>();
let next = 1;

/** Registers `value` and returns its token (`<kind>#<n>`). */
export function registerLocalDep(kind: string, value: unknown): string {
  const token = `${kind}#${next++}`;
  registry.set(token, value);
  return token;
}

/** The value registered under `token`; throws a TypeError when there is none (e.g. in a Worker). */
export function localDep<T>(token: string): T {
  if (!registry.has(token)) {
    throw new TypeError(
      `Cannot find in-process dependency ${token}: it was released, or this actor runs in a Worker`,
    );
  }
  return registry.get(token) as T;
}

/** Forgets `token`. */
export function releaseLocalDep(token: string): void {
  registry.delete(token);
}
