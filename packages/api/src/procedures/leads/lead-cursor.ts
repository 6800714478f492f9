import { AppError, ERROR_CODES } from "@leadline/core";
import { ObjectId, type LeadDoc } from "@leadline/db";
import { toLeadView } from "../../views/lead-view.ts";

// Opaque to callers: base64url of a versioned JSON, so the format can change later.
export function encodeLeadCursor(lastId: ObjectId): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId.toHexString() })).toString("base64url");
}

export function decodeLeadCursor(cursor: string): ObjectId {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { v?: number; after?: string };
    if (decoded.v === 1 && typeof decoded.after === "string" && /^[0-9a-f]{24}$/.test(decoded.after)) {
      return new ObjectId(decoded.after);
    }
  } catch {
    // falls through to the caller-facing error
  }
  throw new AppError(ERROR_CODES.VALIDATION_FAILED, "cursor is not valid: pass the nextCursor of the previous page", {
    issues: [{ path: "cursor", message: "cursor is not valid: pass the nextCursor of the previous page" }],
  });
}

/**
 * The page answer from `limit + 1` leads read in `_id` order: the extra one
 * only tells that another page exists.
 */
export function leadPage(read: readonly LeadDoc[], limit: number) {
  const leads = read.slice(0, limit);
  const last = leads.at(-1);
  const nextCursor = read.length > limit && last ? encodeLeadCursor(last._id) : null;
  return { leads: leads.map(toLeadView), nextCursor };
}
