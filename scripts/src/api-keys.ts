import {
  connectMongo,
  createRepositories,
  ensureIndexes,
  type ObjectId,
  parseObjectId,
  type ApiKeyScope,
} from "@leadline/db";
import { findEmbeddedDatabase } from "@leadline/embedded-mongo";
import { parseArgs } from "node:util";

const HELP = `Usage:
  pnpm keys create --account ACCOUNT_ID [--scopes read,write|dialer] [--name NAME]
  pnpm keys list --account ACCOUNT_ID
  pnpm keys revoke --id KEY_ID

Manages API keys. A new key is printed once and stored only as its SHA-256
hash. Scopes: read, write, and dialer (reports call outcomes). A revoked key is refused at once by new API processes and within
API_KEY_CACHE_TTL_MS (5 s by default) by running ones.

The database is MONGODB_URI, else the embedded database of a running
\`pnpm start\`. Add --json for machine-readable output.`;

function fail(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    account: { type: "string" },
    id: { type: "string" },
    scopes: { type: "string", default: "read,write" },
    name: { type: "string", default: "created with pnpm keys" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help || positionals.length === 0) {
  console.log(HELP);
  process.exit(values.help ? 0 : 2);
}

const uri =
  process.env.MONGODB_URI ||
  findEmbeddedDatabase() ||
  fail("No database: set MONGODB_URI, or start the API with `pnpm start` first.");
const idArgument = (name: "account" | "id"): ObjectId =>
  parseObjectId(values[name] ?? fail(`--${name} is required`)) ?? fail(`--${name} must be a 24-character hex id`);

const connection = await connectMongo(uri, { dbName: process.env.MONGODB_DB || undefined, appName: "leadline-keys" });
try {
  await ensureIndexes(connection.db);
  const repos = createRepositories(connection.db);
  const [command] = positionals;
  if (command === "create") {
    const scopes = values.scopes.split(",").map((scope) => scope.trim());
    const known = ["read", "write", "dialer"];
    if (scopes.length === 0 || scopes.some((scope) => !known.includes(scope)))
      fail("--scopes takes a comma-separated list of read, write and dialer");
    const accountId = idArgument("account");
    if (!(await repos.accounts.exists(accountId))) fail("no account with that id");
    const { key, doc } = await repos.apiKeys.create({ accountId, name: values.name, scopes: scopes as ApiKeyScope[] });
    const created = { id: doc._id.toHexString(), key, scopes: doc.scopes };
    console.log(
      values.json
        ? JSON.stringify(created)
        : `Key ${created.id} (${created.scopes.join("+")}): ${key}\nStored hashed: this is the only time it is shown.`,
    );
  } else if (command === "list") {
    const keys = await repos.apiKeys.listByAccount(idArgument("account"));
    const rows = keys.map((k) => ({
      id: k._id.toHexString(),
      prefix: `${k.displayPrefix}…`,
      name: k.name,
      scopes: k.scopes,
      createdAt: k.createdAt,
      revokedAt: k.revokedAt ?? null,
    }));
    console.log(
      values.json
        ? JSON.stringify(rows)
        : rows
            .map(
              (r) =>
                `${r.id}  ${r.prefix}  ${r.scopes.join("+")}  ${r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : "active"}  ${r.name}`,
            )
            .join("\n"),
    );
  } else if (command === "revoke") {
    const revoked = await repos.apiKeys.revoke(idArgument("id"));
    if (!revoked) fail("no active key with that id");
    console.log(values.json ? JSON.stringify({ revoked: true }) : "Revoked.");
  } else {
    fail(`unknown command ${command}`);
  }
} finally {
  await connection.close();
}
