import { AppError, ERROR_CODES } from "@leadline/core";
import type { DeliveryPosition, WebhookDeliveryDoc } from "@leadline/db";

const INVALID = "cursor is not valid: pass the nextCursor of the previous page";

// Opaque to callers, like the lead cursor: base64url of a versioned JSON.
export function encodeDeliveryCursor(last: WebhookDeliveryDoc): string {
  return Buffer.from(JSON.stringify({ v: 1, at: last.createdAt.getTime(), id: last._id })).toString("base64url");
}

export function decodeDeliveryCursor(cursor: string): DeliveryPosition {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      v?: number;
      at?: unknown;
      id?: unknown;
    };
    if (decoded.v === 1 && Number.isSafeInteger(decoded.at) && typeof decoded.id === "string") {
      return { createdAt: new Date(decoded.at as number), id: decoded.id };
    }
  } catch {
    // falls through to the caller-facing error
  }
  throw new AppError(ERROR_CODES.VALIDATION_FAILED, INVALID, { issues: [{ path: "cursor", message: INVALID }] });
}
