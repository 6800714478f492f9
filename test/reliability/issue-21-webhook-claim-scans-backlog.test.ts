import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoClient, type CommandStartedEvent, type Document } from "mongodb";
import { COLLECTION_NAMES, ObjectId, getCollections, type WebhookDeliveryDoc } from "@leadline/db";
import { createWebhookDeliveries, createWebhookSendSlots } from "@leadline/db/imports";
import { parseBackgroundWorkerConfig } from "../../services/background-worker/src/config.ts";
import { FairDeliveryClaims } from "../../services/background-worker/src/webhook-fair-claims.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * Issue 21 follow-up: the webhook claim left busy endpoints and accounts out
 * with `$nin` on fields its index does not hold, and a busy endpoint's
 * deliveries stayed due, so every claim walked that backlog in the index to
 * get past it. The wire server has no explain, and ignores secondary indexes:
 * what a claim would examine on MongoDB is measured here as the documents
 * inside its index range, i.e. matching the parts of its filter that the
 * best index for it can bound (fields outside every index bound nothing).
 */

const BACKLOG = 2_000;
const CLAIMS = 30;

/** The parts of `filter` on the fields of `keys`: what an index on `keys` can bound. */
const boundedBy = (filter: Document, keys: string[]): Document =>
  Object.fromEntries(Object.entries(filter).filter(([field]) => keys.includes(field)));

describe("webhook claims with a large backlog on a busy endpoint", () => {
  const db = useTestDatabase("issue21_webhook_claim_backlog");
  const claimCommands: CommandStartedEvent[] = [];
  let watched: MongoClient;

  beforeAll(async () => {
    watched = new MongoClient(db.uri, { monitorCommands: true });
    watched.on("commandStarted", (event) => {
      if (event.commandName === "findAndModify" && event.command.findAndModify === COLLECTION_NAMES.webhookDeliveries) {
        if (event.command.update?.$set?.leaseOwner) claimCommands.push(event);
      }
    });
    await watched.connect();
  });
  afterAll(async () => {
    await watched.close();
  });

  it("take the backlog out of the due range once, and no claim's index range holds it", async () => {
    const collections = getCollections(watched.db(db.dbName));
    const deliveries = createWebhookDeliveries(collections);
    const slots = createWebhookSendSlots(collections);
    const now = new Date();
    const [busyAccount, otherAccount] = [new ObjectId(), new ObjectId()].sort((a, b) =>
      a.toHexString().localeCompare(b.toHexString()),
    );
    const busyEndpoint = new ObjectId();
    const freeEndpoint = new ObjectId();
    const until = new Date(now.getTime() + 600_000);
    await collections.webhookEndpoints.insertMany([
      {
        _id: busyEndpoint,
        accountId: busyAccount!,
        url: "https://hooks.example.com/busy",
        events: ["lead.failed"],
        secret: "whsec_x",
        createdAt: now,
        // Both slots held by attempts of another worker process.
        sendSlots: { s0: { holder: "elsewhere:a", until }, s1: { holder: "elsewhere:b", until } },
      },
      {
        _id: freeEndpoint,
        accountId: otherAccount!,
        url: "https://hooks.example.com/free",
        events: ["lead.failed"],
        secret: "whsec_y",
        createdAt: now,
      },
    ]);
    const delivery = (accountId: ObjectId, endpointId: ObjectId, n: number): WebhookDeliveryDoc => ({
      _id: `lead.failed:${endpointId.toHexString()}:${n}`,
      accountId,
      endpointId,
      eventId: `lead.failed:${n}`,
      eventType: "lead.failed",
      state: "pending",
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() - 60_000 + n),
      leaseExpiresAt: new Date(0),
      createdAt: now,
      updatedAt: now,
    });
    await collections.webhookDeliveries.insertMany(
      Array.from({ length: BACKLOG }, (_, n) => delivery(busyAccount!, busyEndpoint, n)),
    );
    await collections.webhookDeliveries.insertMany(
      Array.from({ length: CLAIMS }, (_, n) => delivery(otherAccount!, freeEndpoint, BACKLOG + n)),
    );

    const settings = parseBackgroundWorkerConfig({ MONGODB_URI: db.uri, WEBHOOK_CONCURRENCY: "4" }).webhooks;
    const claims = new FairDeliveryClaims(settings, "claim-test", deliveries, slots);
    const claimed: WebhookDeliveryDoc[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const next = await claims.next();
      if (!next) break;
      claimed.push(next.delivery);
      await deliveries.record(next.delivery, "claim-test", { outcome: "delivered", statusCode: 200, at: new Date() });
      await claims.done(next);
    }
    expect(claimed.map((d) => d.accountId.toHexString())).toEqual(Array(CLAIMS).fill(otherAccount!.toHexString()));

    // The busy endpoint's backlog left the due range, waiting for a slot, none of it leased.
    const checkedAt = new Date();
    const stillDue = await collections.webhookDeliveries.countDocuments({
      endpointId: busyEndpoint,
      state: "pending",
      nextAttemptAt: { $lte: checkedAt },
    });
    expect(stillDue).toBe(0);
    expect(await collections.webhookDeliveries.countDocuments({ endpointId: busyEndpoint, waitingForSlot: true })).toBe(
      BACKLOG,
    );

    // What each claim would examine: the documents in the range of the best index for its filter, as it was then.
    const indexes = (await collections.webhookDeliveries.listIndexes().toArray()).map((index) =>
      Object.keys(index.key as Document),
    );
    const perClaim: number[] = [];
    for (const event of claimCommands) {
      const filter = event.command.query as Document;
      const best = indexes
        .filter((keys) => keys[0] !== undefined && keys[0] in filter)
        .map((keys) => boundedBy(filter, keys))
        .sort((a, b) => Object.keys(b).length - Object.keys(a).length)[0];
      // Counted now, with the backlog where the claims left it (where it was for each claim but the first).
      perClaim.push(await collections.webhookDeliveries.countDocuments(best ?? {}));
    }
    console.log(
      `[webhook claim backlog] ${claimCommands.length} claim commands for ${CLAIMS} deliveries; ` +
        `documents in a claim's index range: most ${Math.max(...perClaim)}, backlog ${BACKLOG}`,
    );
    expect(claimCommands.length).toBeGreaterThanOrEqual(CLAIMS);
    // Every claim filters only on fields of one index, so nothing it leaves out is read.
    for (const event of claimCommands) {
      const fields = Object.keys(event.command.query as Document);
      expect(indexes.some((keys) => fields.every((field) => keys.includes(field)))).toBe(true);
    }
    // The claims' work does not grow with the busy endpoint's backlog: a few commands per delivery.
    expect(claimCommands.length).toBeLessThanOrEqual(3 * CLAIMS);
    expect(Math.max(...perClaim)).toBeLessThanOrEqual(CLAIMS);
  });
});
