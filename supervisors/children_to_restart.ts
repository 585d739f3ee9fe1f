import { RestartStrategy } from "./supervisor_flags.ts";

/**
 * Which children restart when `failedId` fails, in start order: only it (`one_for_one`), all of
 * them (`one_for_all`), or it and every child after it (`rest_for_one`). `ids` are the children in
 * spec (start) order. Throws a RangeError when `failedId` is not among them.
 */
export function childrenToRestart(
  strategy: RestartStrategy,
  ids: readonly string[],
  failedId: string,
): string[] {
  const index = ids.indexOf(failedId);
  if (index < 0) {
    throw new RangeError(
      `Cannot restart an unknown child: ${failedId} is not in [${ids.join(", ")}]`,
    );
  }
  switch (strategy) {
    case RestartStrategy.one_for_one:
      return [failedId];
    case RestartStrategy.one_for_all:
      return [...ids];
    case RestartStrategy.rest_for_one:
      return ids.slice(index);
    default:
      return assertNever(strategy);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot apply an unknown restart strategy: ${value}`);
}
