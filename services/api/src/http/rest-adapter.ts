import { AppError, ERROR_CODES } from "@leadline/core";
import { REST_BASE_PATH, appRouter, createCaller, createContext, type ApiDeps } from "@leadline/api";
import type { OpenApiMeta } from "trpc-to-openapi";
import { assertJsonContentType, parseJsonBody, readBodyText } from "./request-body.ts";
import { requestInfoFor } from "./request-info.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";

type Coercion = "number" | "boolean";

/** One REST operation, taken from a procedure's OpenAPI meta. */
interface RestOperation {
  method: string;
  /** The path template, e.g. `/campaigns/{campaignId}`: a bounded label for logs and metrics. */
  template: string;
  pattern: RegExp;
  /** Segments of the template that are not parameters. */
  literalSegments: number;
  procedurePath: string[];
  /** Query parameters arrive as text; these top-level fields are numbers or booleans to the schema. */
  queryCoercions: Map<string, Coercion>;
}

interface ZodLike {
  _zod?: { def: { type: string; shape?: Record<string, ZodLike>; innerType?: ZodLike } };
}

function unwrap(schema: ZodLike | undefined): ZodLike | undefined {
  let current = schema;
  while (current?._zod?.def.innerType) current = current._zod.def.innerType;
  return current;
}

function queryCoercionsOf(inputs: readonly ZodLike[]): Map<string, Coercion> {
  const coercions = new Map<string, Coercion>();
  for (const input of inputs) {
    for (const [name, field] of Object.entries(unwrap(input)?._zod?.def.shape ?? {})) {
      const type = unwrap(field)?._zod?.def.type;
      if (type === "number" || type === "boolean") coercions.set(name, type);
    }
  }
  return coercions;
}

function patternOf(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`, "i");
}

function collectOperations(): RestOperation[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { meta?: OpenApiMeta; inputs: ZodLike[]; type: string } }
  >;
  return Object.entries(procedures).flatMap(([path, procedure]) => {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false) return [];
    const template = `/${openapi.path.replace(/^\/|\/$/g, "")}`;
    return [
      {
        method: openapi.method,
        template,
        pattern: patternOf(template),
        literalSegments: template.split("/").filter((segment) => segment && !segment.startsWith("{")).length,
        procedurePath: path.split("."),
        queryCoercions: queryCoercionsOf(procedure._def.inputs),
      },
    ];
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function coerce(value: string, to: Coercion | undefined): unknown {
  if (to === "number" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (to === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function queryInput(url: URL, coercions: Map<string, Coercion>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name).map((value) => coerce(value, coercions.get(name)));
    input[name] = values.length === 1 ? values[0] : values;
  }
  return input;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * The public REST paths (`/api/v1/*`): each procedure with OpenAPI meta,
 * called in-process through the same router, context and error table as
 * `/trpc`. The body is checked here (media type, charset, size, JSON,
 * depth) so that each mistake gets its own 4xx; the procedure's answer is
 * already the documented envelope and goes out as it is.
 */
export function createRestHandler(deps: ApiDeps, maxBodyBytes: number) {
  const operations = collectOperations();

  return async (request: Request, url: URL, scope: RequestScope): Promise<RouteResult> => {
    const path = url.pathname.slice(REST_BASE_PATH.length) || "/";
    // A path's literal segments win over parameters: GET /leads/bulk is the bulk path with the wrong method,
    // not a lead whose id is "bulk".
    const candidates = operations.filter((operation) => operation.pattern.test(path));
    const mostLiteral = Math.max(0, ...candidates.map((operation) => operation.literalSegments));
    const matching = candidates.filter((operation) => operation.literalSegments === mostLiteral);
    const operation = matching.find((candidate) => candidate.method === request.method);
    if (!operation) {
      if (matching.length === 0)
        throw new AppError(ERROR_CODES.NOT_FOUND, `No such endpoint: ${request.method} ${url.pathname}`);
      const allowed = [...new Set(matching.map((candidate) => candidate.method))].join(", ");
      throw new AppError(
        ERROR_CODES.METHOD_NOT_ALLOWED,
        `Method ${request.method} is not allowed here; use ${allowed}`,
        {
          headers: { Allow: allowed },
        },
      );
    }
    scope.route = `${REST_BASE_PATH}${operation.template}`;

    const pathInput = Object.fromEntries(
      Object.entries(operation.pattern.exec(path)?.groups ?? {}).map(([name, value]) => [name, decode(value)]),
    );
    let input: unknown;
    if (BODY_METHODS.has(request.method)) {
      assertJsonContentType(request.headers);
      const body = parseJsonBody(await readBodyText(request, maxBodyBytes));
      // An array has no fields: it is read as an object without campaignId, and answered as the docs say.
      input = typeof body === "object" && body !== null ? { ...body, ...pathInput } : body;
    } else {
      input = { ...queryInput(url, operation.queryCoercions), ...pathInput };
    }

    let status = 200;
    const info = requestInfoFor(request, scope, scope.headers, (code) => (status = code));
    const caller = createCaller(createContext(deps, info), {
      signal: request.signal,
    }) as unknown as Record<string, unknown>;
    const procedure = operation.procedurePath.reduce<any>((node, key) => node[key], caller) as (
      input: unknown,
    ) => Promise<unknown>;
    const json = JSON.stringify(await procedure(input));
    return { status, json };
  };
}
