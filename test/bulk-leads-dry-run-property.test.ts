import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const CASES = 150;

/** mulberry32: a small seeded generator, so every run draws the same cases. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const INVALID_LEADS: unknown[] = [
  {},
  { phoneNumber: "12" },
  { phoneNumber: "+1555" },
  7,
  { phoneNumber: "+12125550100", priority: -1 },
];

describe("dryRun answers what the real run then does", () => {
  const db = useTestDatabase("bulk_dry_run_property");
  const server = useApiServer(db);

  it(`holds over ${CASES} random mixes of new, stored, repeated, suppressed, national and invalid leads`, async () => {
    const random = seeded(20261127);
    for (let run = 0; run < CASES; run++) {
      const { apiKey, campaignId, accountId } = await seedAccount(db.repos);
      const phones = testPhones(12, run * 20);
      const stored = phones.slice(0, 3);
      const suppressed = phones.slice(3, 5);
      if (random.next() < 0.8)
        await postBulk(server.url, apiKey, { campaignId, leads: stored.map((phoneNumber) => ({ phoneNumber })) });
      await db.repos.suppressions.add({
        accountId: new ObjectId(accountId),
        campaignId: random.next() < 0.5 ? null : new ObjectId(campaignId),
        phoneNumbers: suppressed,
        source: "api",
      });
      const leads = Array.from({ length: 1 + Math.floor(random.next() * 12) }, () => {
        const kind = random.next();
        if (kind < 0.15) return random.pick(INVALID_LEADS);
        // The national form of a number: valid only with defaultCountry US.
        if (kind < 0.25) return { phoneNumber: random.pick(phones).slice(2) };
        return { phoneNumber: random.pick(phones), priority: Math.floor(random.next() * 10) };
      });
      const body = {
        campaignId,
        leads,
        ...(random.next() < 0.7 ? { onInvalid: "skip" } : {}),
        ...(random.next() < 0.6 ? { returnResults: true } : {}),
        ...(random.next() < 0.5 ? { defaultCountry: "US" } : {}),
      };
      const count = () => db.repos.leads.countByCampaign(new ObjectId(campaignId));
      const before = await count();
      const dry = await postBulk(server.url, apiKey, { ...body, dryRun: true });
      expect(await count(), `run ${run}: a dry run writes nothing`).toBe(before);
      const real = await postBulk(server.url, apiKey, body);
      expect(dry.status, `run ${run}: ${JSON.stringify(body)}`).toBe(real.status);
      if (real.status !== 200) {
        expect(dry.body).toEqual(real.body);
        continue;
      }
      expect(dry.body.data, `run ${run}: ${JSON.stringify(body)}`).toEqual({
        ...asDryRun(real.body.data),
        dryRun: true,
      });
      expect(await count()).toBe(before + real.body.data.created);
    }
  }, 120_000);
});

/** What a dry run shows of a real run's answer: the same, without ids. */
function asDryRun(data: Record<string, unknown> & { results?: Record<string, unknown>[] }) {
  const results = data.results?.map((result) =>
    Object.fromEntries(Object.entries(result).filter(([key]) => key !== "id")),
  );
  return { ...data, createdIds: [], ...(results ? { results } : {}) };
}
