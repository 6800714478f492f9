import { describe, expect, it } from "vitest";
import { createDispatchQueue, ObjectId, type CampaignDoc, type ClaimScope, type LeadDoc } from "@leadline/db";
import type { Collection, Document, Filter } from "mongodb";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { campaignDoc } from "./support/campaign-doc.ts";
import { newLead } from "./support/new-lead.ts";
import { testPhones } from "@leadline/testkit";

/**
 * The batch claim (`DispatchQueue.claimBatch`) of 7 against claims of one lead each
 * (`DISPATCH_BATCH_SIZE=1`) on the wire server: the same leads in the same order, with the same
 * rules, and a lead another worker leases between the batch's find and its update is not in the batch.
 */

const LEASE_MS = 60_000;

interface Fixture {
  open: CampaignDoc;
  local: CampaignDoc;
  paused: CampaignDoc;
  scope: ClaimScope;
}

/** The same leads, with the same ids, in whichever database: an open campaign, a zoned one, a paused one. */
async function seed(db: TestDatabase, ids: { account: ObjectId; campaigns: ObjectId[] }): Promise<Fixture> {
  const campaign = (index: number, name: string) =>
    campaignDoc({ _id: ids.campaigns[index]!, accountId: ids.account, name });
  const open = campaign(0, "open");
  const local = campaign(1, "recipient-local");
  const paused = campaign(2, "paused");
  await db.repos.collections.campaigns.insertMany([open, local, paused]);
  const past = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const future = new Date(Date.now() + 3_600_000);
  const phones = testPhones(40, 0, 917);
  await db.repos.leads.insertSkippingDuplicates(
    open,
    phones.slice(0, 24).map((phone, i) =>
      newLead(phone, {
        priority: [1, 50, 90, 50, 0, 100][i % 6]!,
        scheduledFor: i % 4 === 0 ? past(i) : i === 7 ? future : undefined,
      }),
    ),
  );
  await db.repos.leads.insertSkippingDuplicates(
    local,
    phones.slice(24, 36).map((phone, i) => newLead(phone, { priority: i % 3 === 0 ? 100 : 10 })),
  );
  await db.repos.leads.insertSkippingDuplicates(
    paused,
    phones.slice(36).map((phone) => newLead(phone, { priority: 100 })),
  );
  // The zoned campaign's leads: half in a zone open now, half in one closed now.
  const localLeads = await db.repos.collections.leads.find({ campaignId: local._id }).sort({ _id: 1 }).toArray();
  for (const [i, lead] of localLeads.entries()) {
    await db.repos.collections.leads.updateOne(
      { _id: lead._id },
      { $set: { zoneKey: i % 2 === 0 ? "America/New_York" : "Asia/Tokyo" } },
    );
  }
  // The ids must match across databases: give every lead a deterministic one.
  const all = await db.repos.collections.leads.find({}).sort({ phoneNumber: 1 }).toArray();
  await db.repos.collections.leads.deleteMany({});
  await db.repos.collections.leads.insertMany(
    all.map((lead, i) => ({ ...lead, _id: new ObjectId(`64${String(i).padStart(22, "0")}`) })),
  );
  return {
    open,
    local,
    paused,
    scope: { anyZone: [open._id], byZone: [{ campaignIds: [local._id], zoneKeys: ["America/New_York"] }] },
  };
}

const claimedView = (lead: LeadDoc) => ({
  id: lead._id.toHexString(),
  state: lead.state,
  attempts: lead.attempts,
  leaseOwner: lead.leaseOwner,
});

/** The ids an update's filter names with `_id: { $in }`, at its top or in an `$and`. */
function idsNamedBy(filter: Filter<LeadDoc>): ObjectId[] {
  const parts = [filter, ...((filter.$and ?? []) as Filter<LeadDoc>[])];
  return parts.flatMap((part) => ((part._id as { $in?: ObjectId[] } | undefined)?.$in ?? []) as ObjectId[]);
}

/**
 * The leads collection, except that its first `updateMany` (a batch claim's lease) first
 * awaits `race` with the leads it is about to lease: another worker acts between the claim's
 * find and its update, with no hook in the claim itself.
 */
function runningBeforeFirstUpdateMany<T extends Document>(
  collection: Collection<T>,
  race: (ids: ObjectId[]) => Promise<void>,
): Collection<T> {
  let raced = false;
  return new Proxy(collection, {
    get(target, property, receiver) {
      if (property !== "updateMany" || raced) return Reflect.get(target, property, receiver);
      return async (...args: Parameters<Collection<T>["updateMany"]>) => {
        raced = true;
        await race(idsNamedBy(args[0] as Filter<LeadDoc>));
        return target.updateMany(...args);
      };
    },
  });
}

describe("batch claims", () => {
  const single = useTestDatabase("batch_claim_single");
  const batched = useTestDatabase("batch_claim_batched");
  const racing = useTestDatabase("batch_claim_race");

  it("leases the single claim's leads in its order: priority, schedule, age; calling hours, schedule and pause hold", async () => {
    const ids = { account: new ObjectId(), campaigns: [new ObjectId(), new ObjectId(), new ObjectId()] };
    const { scope } = await seed(single, ids);
    await seed(batched, ids);
    const now = new Date();

    const one: LeadDoc[] = [];
    const claimOne = () =>
      single.repos.dispatchQueue.claimBatch({ workerId: "w", scope, leaseMs: LEASE_MS, now, limit: 1 });
    for (let claimed; (claimed = await claimOne()).length > 0; ) one.push(...claimed);
    const batches: LeadDoc[][] = [];
    for (
      let batch;
      (batch = await batched.repos.dispatchQueue.claimBatch({ workerId: "w", scope, leaseMs: LEASE_MS, now, limit: 7 }))
        .length > 0;

    )
      batches.push(batch);

    // 24 open leads but one scheduled in an hour, 6 of 12 zoned leads in an open zone, none paused.
    expect(one).toHaveLength(23 + 6);
    expect(batches.map((batch) => batch.length)).toEqual([7, 7, 7, 7, 1]);
    expect(batches.flat().map(claimedView)).toEqual(one.map(claimedView));
    const flat = batches.flat();
    expect(flat.every((lead) => lead.state === "dispatching" && lead.attempts === 1 && lead.leaseToken)).toBe(true);
    expect(flat.every((lead) => lead.leaseExpiresAt!.getTime() === now.getTime() + LEASE_MS)).toBe(true);
    // Each batch has a token of its own; the leads of one share it.
    expect(new Set(batches.map((batch) => batch[0]!.leaseToken)).size).toBe(batches.length);
    expect(batches.every((batch) => batch.every((lead) => lead.leaseToken === batch[0]!.leaseToken))).toBe(true);
    for (let i = 1; i < flat.length; i++) {
      const [a, b] = [flat[i - 1]!, flat[i]!];
      expect(a.priority).toBeGreaterThanOrEqual(b.priority);
    }
    expect(flat.some((lead) => lead.zoneKey === "Asia/Tokyo")).toBe(false);
    expect(flat.some((lead) => lead.campaignId.equals(ids.campaigns[2]!))).toBe(false);
    expect(flat.some((lead) => lead.scheduledFor && lead.scheduledFor > now)).toBe(false);
  });

  it("leaves out a candidate another worker leased between the find and the update; reclaims an expired lease", async () => {
    const ids = { account: new ObjectId(), campaigns: [new ObjectId(), new ObjectId(), new ObjectId()] };
    const { scope } = await seed(racing, ids);
    const leads = racing.repos.collections.leads;
    // One lead whose lease ran out (its worker died): due again, its attempt counted again.
    const expiredLead = (await leads.find({ campaignId: ids.campaigns[0]!, priority: 0 }).limit(1).toArray())[0]!;
    await leads.updateOne(
      { _id: expiredLead._id },
      { $set: { state: "dispatching", leaseOwner: "dead", leaseExpiresAt: new Date(Date.now() - 1000), attempts: 1 } },
    );
    let candidates: ObjectId[] = [];
    let byHand: ObjectId | undefined;
    let byOther: LeadDoc | null = null;
    /** Between the claim's find and its lease (its one updateMany): another worker's claim, and a lease set by hand. */
    const race = async (ids: ObjectId[]) => {
      candidates = ids;
      // Another worker's ordinary claim takes the first candidate...
      [byOther = null] = await racing.repos.dispatchQueue.claimBatch({
        workerId: "other",
        scope,
        leaseMs: LEASE_MS,
        now: new Date(),
        limit: 1,
      });
      // ...and a lease set by hand takes the fifth.
      byHand = ids[4]!;
      await leads.updateOne(
        { _id: byHand },
        {
          $set: { state: "dispatching", leaseOwner: "intruder", leaseExpiresAt: new Date(Date.now() + LEASE_MS) },
          $inc: { attempts: 1 },
        },
      );
    };
    const batch = await createDispatchQueue({
      ...racing.repos.collections,
      leads: runningBeforeFirstUpdateMany(leads, race),
    }).claimBatch({ workerId: "mine", scope, leaseMs: LEASE_MS, now: new Date(), limit: 100 });
    expect(candidates).toHaveLength(29); // 23 open (one is scheduled later) and 6 in an open zone, the expired one among them
    expect(byOther!._id.equals(candidates[0]!)).toBe(true);
    const got = batch.map((lead) => lead._id.toHexString());
    expect(got).toEqual(
      candidates.filter((id) => !id.equals(candidates[0]!) && !id.equals(byHand!)).map((id) => id.toHexString()),
    );
    expect(got).toContain(expiredLead._id.toHexString());
    expect(batch.find((lead) => lead._id.equals(expiredLead._id))).toMatchObject({ attempts: 2, leaseOwner: "mine" });
    // The other leases stand, untouched by this claim: one lease per lead, one attempt each.
    expect(await leads.findOne({ _id: candidates[0]! })).toMatchObject({ leaseOwner: "other", attempts: 1 });
    expect(await leads.findOne({ _id: byHand! })).toMatchObject({ leaseOwner: "intruder", attempts: 1 });
    expect(await leads.findOne({ _id: byHand! })).not.toHaveProperty("leaseToken");

    // Two batch claims racing for what is left after release: disjoint, and together all of it.
    await leads.updateMany(
      { state: "dispatching" },
      {
        $set: { state: "pending", nextAttemptAt: new Date(0) },
        $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "" },
      },
    );
    const claim = (workerId: string) =>
      racing.repos.dispatchQueue.claimBatch({ workerId, scope, leaseMs: LEASE_MS, now: new Date(), limit: 20 });
    const [a, b] = await Promise.all([claim("a"), claim("b")]);
    const [c, d] = await Promise.all([claim("a"), claim("b")]);
    const all = [...a, ...b, ...c, ...d].map((lead) => lead._id.toHexString());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(29);
  });

  it("finds the suppressions of a whole batch in one query, account-wide and campaign by campaign", async () => {
    const db = racing;
    const account = await db.repos.accounts.create({ name: "suppressed" });
    const first = await db.repos.campaigns.create({ accountId: account._id, name: "first" });
    const second = await db.repos.campaigns.create({ accountId: account._id, name: "second" });
    const phones = testPhones(4, 0, 404);
    await db.repos.leads.insertSkippingDuplicates(
      first,
      phones.map((phone) => newLead(phone)),
    );
    await db.repos.leads.insertSkippingDuplicates(
      second,
      phones.map((phone) => newLead(phone)),
    );
    await db.repos.suppressions.add({
      accountId: account._id,
      campaignId: null,
      phoneNumbers: [phones[0]!],
      reason: "all",
      source: "api",
    });
    await db.repos.suppressions.add({
      accountId: account._id,
      campaignId: first._id,
      phoneNumbers: [phones[1]!],
      reason: "first only",
      source: "api",
    });
    // Another account's entry for the same number is not this lead's.
    const stranger = await db.repos.accounts.create({ name: "stranger" });
    await db.repos.suppressions.add({
      accountId: stranger._id,
      campaignId: null,
      phoneNumbers: [phones[2]!],
      source: "api",
    });

    const batch = await db.repos.collections.leads.find({ accountId: account._id }).toArray();
    const found = await db.repos.dispatchQueue.suppressionsOf(batch);
    const reasons = Object.fromEntries(
      batch.map((lead) => [
        `${lead.campaignId.equals(first._id) ? "first" : "second"} ${lead.phoneNumber}`,
        found.get(lead._id.toHexString())?.reason ?? null,
      ]),
    );
    expect(reasons).toEqual({
      [`first ${phones[0]}`]: "all",
      [`second ${phones[0]}`]: "all",
      [`first ${phones[1]}`]: "first only",
      [`second ${phones[1]}`]: null,
      [`first ${phones[2]}`]: null,
      [`second ${phones[2]}`]: null,
      [`first ${phones[3]}`]: null,
      [`second ${phones[3]}`]: null,
    });
  });
});
