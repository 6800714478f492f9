import type { Db } from "mongodb";

/**
 * How hard a check pushes: the full run of `pnpm db:check`, or the quick one
 * a service runs at start-up. Each check reads the counts it needs.
 */
export type CheckSize = "full" | "quick";

/** What a check concluded: `warn` is reported but does not fail the run. */
export type CheckVerdict = { status: "ok" } | { status: "fail" | "warn"; detail: string };

/**
 * Where a check may write: `db`, in collections named through `name` alone,
 * so that it never meets the service's own.
 */
export interface Scratch {
  db: Db;
  /** The collection name this run uses for `base`. */
  name(base: string): string;
}

/**
 * One behaviour the product relies on. `run` exercises it in scratch
 * collections and returns what happened; `judge` says whether that is what
 * the product needs. Split so that `judge` can be fed figures recorded on a
 * server that got it wrong.
 */
export interface DbCheck<TResult = unknown> {
  /** Named in every report line and in a service's refusal to start. */
  name: string;
  /** Breaking it would hand a lead out twice, lose a count or a skip: services refuse to start. */
  guardsExactlyOnce: boolean;
  run(scratch: Scratch, size: CheckSize): Promise<TResult>;
  judge(result: TResult): CheckVerdict;
}

/** One line of the report. */
export interface CheckReport {
  name: string;
  guardsExactlyOnce: boolean;
  verdict: CheckVerdict;
}

/** A check of any result type, for tables of them. */
export type AnyDbCheck = DbCheck<any>;

/** The verdicts, so that judges read as sentences. */
export const ok: CheckVerdict = { status: "ok" };
export const fail = (detail: string): CheckVerdict => ({ status: "fail", detail });
export const warn = (detail: string): CheckVerdict => ({ status: "warn", detail });
