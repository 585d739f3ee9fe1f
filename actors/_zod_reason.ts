import type { z } from "zod";

/** A zod error as one line for a dead letter: `path: message; path: message`. */
export function zodReason(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      `${issue.path.length === 0 ? "(root)" : issue.path.join(".")}: ${issue.message}`
    )
    .join("; ");
}
