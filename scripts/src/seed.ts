import { connectMongo, createRepositories, ensureIndexes, seedAccount } from "@leadline/db";
import { findEmbeddedDatabase } from "@leadline/embedded-mongo";
import { parseArgs } from "node:util";

const HELP = `Usage: pnpm seed [--json] [--account NAME] [--campaign NAME]

Creates an account, an active campaign, a read+write API key and a read-only
API key, and prints them. Keys are stored hashed: this is the only time they
are shown.

The database is MONGODB_URI, else the embedded database of a running
\`pnpm start\`.

  --json            print exactly one JSON object on stdout:
                    { "accountId", "campaignId", "apiKey", "readOnlyApiKey" }
  --account NAME    account name (default "Demo account")
  --campaign NAME   campaign name (default "Demo campaign")
  -h, --help        show this help`;

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    account: { type: "string" },
    campaign: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const uri = process.env.MONGODB_URI || findEmbeddedDatabase();
if (!uri) {
  console.error(
    "No database: set MONGODB_URI, or start the API with `pnpm start` first (it runs an embedded database).",
  );
  process.exit(1);
}

const connection = await connectMongo(uri, { dbName: process.env.MONGODB_DB || undefined, appName: "leadline-seed" });
try {
  await ensureIndexes(connection.db);
  const seeded = await seedAccount(createRepositories(connection.db), {
    account: values.account,
    campaign: values.campaign,
  });
  if (values.json) {
    console.log(JSON.stringify(seeded));
  } else {
    console.log(`Account:              ${seeded.accountId}
Campaign:             ${seeded.campaignId}
API key (read+write): ${seeded.apiKey}
API key (read-only):  ${seeded.readOnlyApiKey}

Keys are stored hashed and cannot be shown again. Try:
  curl -X POST http://127.0.0.1:3000/api/v1/leads/bulk \\
    -H "x-api-key: ${seeded.apiKey}" -H "Content-Type: application/json" \\
    -d '{"campaignId":"${seeded.campaignId}","leads":[{"phoneNumber":"+15555551234"}]}'`);
  }
} finally {
  await connection.close();
}
