import { findAppError } from "@leadline/core";
import { translateDatabaseError } from "./database-errors.ts";

/**
 * A failure in the service's terms: one that already carries an AppError
 * stays as it is, an unreachable database becomes the retryable 503
 * AppError, anything else is left for the caller's classification (a 500).
 */
export function asServiceError(error: unknown): unknown {
  if (findAppError(error)) return error;
  return translateDatabaseError(error) ?? error;
}

const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;

const rethrowAsServiceError = (error: unknown): never => {
  throw asServiceError(error);
};

/**
 * The repository edge: `repository` with every method's failure passed
 * through {@link asServiceError}, so that callers (the API) meet the
 * service's errors, never the driver's. Iterators a method returns are
 * handed over as they are: their failures arrive after an answer started.
 *
 * @example
 * const leads = atRepositoryEdge(createLeadRepository(collections));
 */
export function atRepositoryEdge<TRepository extends object>(repository: TRepository): TRepository {
  const edge: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    if (typeof member !== "function") {
      edge[name] = member;
      continue;
    }
    const method = member as (...args: unknown[]) => unknown;
    edge[name] = (...args: unknown[]) => {
      try {
        const result = method.apply(repository, args);
        return isPromise(result) ? result.catch(rethrowAsServiceError) : result;
      } catch (error) {
        return rethrowAsServiceError(error);
      }
    };
  }
  return edge as TRepository;
}
