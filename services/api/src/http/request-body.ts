import { AppError, ERROR_CODES, readUpTo } from "@leadline/core";

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Refuses anything but `application/json` (a `charset` of utf-8 is fine). */
export function assertJsonContentType(headers: Headers): void {
  const contentType = headers.get("content-type");
  if (!contentType) {
    throw new AppError(
      ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
      "Missing Content-Type header: send Content-Type: application/json",
    );
  }
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new AppError(
      ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
      `Unsupported Content-Type "${contentType}": send Content-Type: application/json`,
    );
  }
  const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase();
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw new AppError(ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, `Unsupported charset "${charset}": send the body as UTF-8`);
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    ERROR_CODES.PAYLOAD_TOO_LARGE,
    `Request body is larger than ${maxBytes} bytes; split the leads into smaller requests`,
  );
}

/**
 * Reads the body as UTF-8 text, refusing it as soon as it passes `maxBytes`
 * (before reading at all when Content-Length already says so).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const read = await readUpTo(request.body, maxBytes);
  if (read.exceeded) throw tooLarge(maxBytes);
  return new TextDecoder().decode(read.bytes);
}

/** Deeper than any request of ours needs; deeper still and recursive code (JSON.stringify included) runs out of stack. */
export const MAX_BODY_NESTING = 32;

/**
 * True when `value` nests objects or arrays more than `maxDepth` levels. Recursive, but never more
 * than `maxDepth + 1` calls deep, and without a copy of any object's values: a bulk body has two
 * thousand objects, and this runs on every request.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  return typeof value === "object" && value !== null && deeperThan(value, 1, maxDepth);
}

function deeperThan(value: object, depth: number, maxDepth: number): boolean {
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const child: unknown = value[index];
      if (typeof child === "object" && child !== null && deeperThan(child, depth + 1, maxDepth)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const child = record[key];
    if (typeof child === "object" && child !== null && deeperThan(child, depth + 1, maxDepth)) return true;
  }
  return false;
}

/** Parses a request body as JSON, with a message that says what is wrong. */
export function parseJsonBody(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") {
    throw new AppError(ERROR_CODES.INVALID_JSON, "Request body is empty: send a JSON object with campaignId and leads");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError(ERROR_CODES.INVALID_JSON, `Request body is not valid JSON: ${detail}`);
  }
  if (nestsDeeperThan(parsed, MAX_BODY_NESTING)) throw nestsTooDeep("Request body");
  return parsed;
}

/** 400 for JSON that nests deeper than MAX_BODY_NESTING; `what` names it ("Request body"). */
export const nestsTooDeep = (what: string) =>
  new AppError(ERROR_CODES.VALIDATION_FAILED, `${what} nests deeper than ${MAX_BODY_NESTING} levels`);

/**
 * `nestsDeeperThan` read from JSON text, for bodies handed on unparsed (tRPC parses its own):
 * counts brackets outside strings, so it needs no stack and no copy of the text.
 */
export function jsonTextNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      // A string: skip to its closing quote, stepping over escaped characters.
      for (index++; index < text.length; index++) {
        const inString = text.charCodeAt(index);
        if (inString === 0x5c) index++;
        else if (inString === 0x22) break;
      }
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}
