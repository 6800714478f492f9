import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";

/**
 * The OpenAPI meta of one resource's operations, grouped under its tag in the document.
 *
 * @example
 * const openapi = taggedOperations("imports");
 * export const getImportMeta = openapi({ method: "GET", path: "/imports/{importId}", … });
 */
export const taggedOperations =
  (tag: string) =>
  (spec: OpenApiMeta["openapi"] & object): OpenApiMeta => ({ openapi: { tags: [tag], ...spec } });

/** A path parameter naming one of the caller's resources by id (another account's id is a 404). */
export const resourceIdSchema = (description: string, example: string) =>
  z
    .string({ error: "must be a string" })
    .min(1, "is required")
    .max(64, "must be at most 64 characters")
    .meta({ description, example });
