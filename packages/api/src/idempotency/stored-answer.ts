import { AppError } from "@leadline/core";
import type { StoredAnswer } from "@leadline/db";

/**
 * What a key's stored answer replays as: the stored failure thrown again as
 * the AppError it was (code, message, issues), or the stored success's
 * value. JSON POSTs and import uploads replay through this one function.
 */
export function replayStoredAnswer(answer: StoredAnswer): unknown {
  if (answer.kind === "failure") {
    throw new AppError(answer.code as AppError["code"], answer.message, { issues: answer.issues });
  }
  return JSON.parse(answer.json) as unknown;
}
