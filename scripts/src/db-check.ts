import { connectMongo, DB_CHECKS, EXACTLY_ONCE_CHECKS, formatReport, runDbChecks } from "@leadline/db";
import { findEmbeddedDatabase } from "@leadline/embedded-mongo";
import { parseArgs } from "node:util";

const HELP = `Usage: pnpm db:check [--quick]

Says whether the database on MONGODB_URI does what Leadline relies on:
concurrent claims of one document, guarded updates under a race, concurrent
$inc, the write-error indexes of an unordered insertMany against a unique
index, $push with $each and $slice, TTL index creation, a GridFS ranged read,
and the claim query's index use (through explain, where the server has it).

Prints one line per behaviour, "ok" or what went wrong, and exits 1 when one
fails ("warn" lines do not fail the run). Everything happens in a scratch
database named leadline_dbcheck_<random>, dropped afterwards: the service's
own data is never touched.

--quick runs only the exactly-once guards with the small counts each service
uses at start-up. The services run that form in collections of their own
database named leadline_dbcheck_<random>_*, removed afterwards, and refuse
to start when a guard fails (DB_CHECK=off skips it).

The database is MONGODB_URI, else the embedded database of a running
\`pnpm start\`.`;

function fail(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const uri =
  process.env.MONGODB_URI ||
  findEmbeddedDatabase() ||
  fail("No database: set MONGODB_URI, or start the API with `pnpm start` first.");
const connection = await connectMongo(uri, { appName: "leadline-db-check" });
const started = performance.now();
const reports = await runDbChecks(
  connection.client,
  values.quick ? EXACTLY_ONCE_CHECKS : DB_CHECKS,
  values.quick ? "quick" : "full",
).finally(() => connection.close());
for (const report of reports) console.log(formatReport(report));
const count = (status: string) => reports.filter((report) => report.verdict.status === status).length;
const failed = count("fail");
console.log(
  `${count("ok")} ok, ${count("warn")} warned, ${failed} failed in ${Math.round(performance.now() - started)} ms` +
    (failed > 0 ? ": Leadline cannot count on this database to act exactly once" : ""),
);
process.exit(failed > 0 ? 1 : 0);
