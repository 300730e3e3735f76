import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { topicOf } from '@opal/contracts';
import { eventually } from '@opal/platform-runtime/testing';
import { launchChromium, screenshot, waitForText, watchPageErrors } from './support/browser';
import { ADMIN_TOKEN, GROUPS, WAIT_MS, postWebhook, startSystem, writeDeadDecision, type SystemUnderTest } from './support/console-stack';

const run = randomUUID().slice(0, 8);
const DEGRADED_WORKFLOW = `wf-console-${run}`;
const DECISION = `dec-console-${run}`;
const CLIENT_NAME = `Client Console ${run}`;
const LAG_GROUP = `ops-console-test-lag-${run}`;
const LIVE_UPDATE_MS = 15_000;

const sumHigh = (offsets: Array<{ high: string }>) => offsets.reduce((sum, { high }) => sum + Number(high), 0);

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Every page of the console in Debian's Chromium, against the real stack after events flowed
 * through the real gateway and workers. Screenshots land in .reports/console/.
 */
describe('ops-console in a real browser', () => {
  let system: SystemUnderTest;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let startedEvent: { eventId: string; partition: number };
  const url = (path: string) => `${system.console.baseUrl}${path}`;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startSystem(), launchChromium()]);
    const started = await postWebhook(system.gateway, 'workflow.started', {
      workflow_id: DEGRADED_WORKFLOW,
      client_name: CLIENT_NAME,
      estimated_duration_ms: 60_000,
    });
    const placed = await system.admin.fetchTopicOffsets(topicOf('workflow.started'));
    startedEvent = { eventId: started, partition: placed.find((entry) => Number(entry.high) > 0)?.partition ?? 0 };
    for (const [offset, status] of (['success', 'failure', 'failure'] as const).entries())
      await postWebhook(system.gateway, 'agent.completed', { workflow_id: DEGRADED_WORKFLOW, agent_id: `agent-console-${offset}`, offset, execution_status: status });
    await postWebhook(system.gateway, 'workflow.completed', { workflow_id: DEGRADED_WORKFLOW, status: 'success', agents_completed: 1, agents_failed: 2 });
    await eventually(
      () => getJson(`${system.diagnostics.baseUrl}/v1/diagnostics/workflows/${DEGRADED_WORKFLOW}`),
      (response) => response.status === 200 && response.body['health'] === 'degraded',
      WAIT_MS,
      250,
    );
  }, 300_000);

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    pageErrors = watchPageErrors(page);
  });

  afterEach(async () => {
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.admin.deleteGroups([LAG_GROUP]).catch(() => undefined);
    await system?.stop();
  });

  it('should show brokers, each topic with its end offset and a live records/s, the subjects, the dependencies and the apps', async () => {
    await page.goto(url('/'));

    expect(await page.locator('#brokers tbody tr').count()).toBe((await system.admin.describeCluster()).brokers.length);
    const topic = topicOf('workflow.started');
    const shownEnd = Number(await page.locator(`#topics tr[data-topic="${topic}"] [data-end-offset]`).textContent());
    expect(shownEnd).toBe(sumHigh(await system.admin.fetchTopicOffsets(topic)));
    expect(await page.locator('#subjects tr[data-subject="opal.workflow.started-value"]').textContent()).toContain('BACKWARD');
    expect(await page.locator('#dependencies td.status-up').count()).toBe(3);
    for (const app of ['ingest-gateway', 'diagnostics-worker', 'recommendations-worker'])
      expect(await page.locator(`#apps tr[data-app="${app}"] td.status-up`).textContent()).toBe('up');
    // The agent results of beforeAll show as a rate once the sampler has two samples around them; htmx brings it without a reload.
    await waitForText(page, `#topics tr[data-topic="${topicOf('agent.completed')}"] [data-rate]`, (rate) => Number(rate) > 0, LIVE_UPDATE_MS);
    await screenshot(page, 'overview');
  });

  it("should show a group's committed offset and lag per partition, and update them live", async () => {
    const topic = topicOf('workflow.started');
    const { partition } = startedEvent;
    const end = (await system.admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === partition)?.high as string;
    await system.admin.setOffsets({ groupId: LAG_GROUP, topic, partitions: [{ partition, offset: '0' }] });

    await page.goto(url('/groups'));
    const lagCell = page.locator(`article[data-group="${LAG_GROUP}"] tr[data-partition="${topic}:${partition}"] [data-lag]`);
    expect(await lagCell.textContent()).toBe(end);
    expect(await page.locator(`article[data-group="${GROUPS.diagnostics}"] table.members tbody tr`).count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'groups');

    await system.admin.setOffsets({ groupId: LAG_GROUP, topic, partitions: [{ partition, offset: end }] });
    await waitForText(page, `article[data-group="${LAG_GROUP}"] tr[data-partition="${topic}:${partition}"] [data-lag]`, (lag) => lag === '0', LIVE_UPDATE_MS);
    expect(await page.locator(`article[data-group="${LAG_GROUP}"] tr[data-partition="${topic}:${partition}"] [data-committed]`).textContent()).toBe(end);
  });

  it('should find a record by event_id through the form, with its headers and without its payload', async () => {
    await page.goto(url('/messages'));
    await page.selectOption('select[name="topic"]', topicOf('workflow.started'));
    await page.fill('input[name="find"]', startedEvent.eventId);
    await Promise.all([page.waitForURL(/find=/), page.click('button[type="submit"]')]);

    const found = page.locator(`article.message[data-event-id="${startedEvent.eventId}"]`);
    expect(await found.count()).toBe(1);
    expect(await found.locator('table.headers').textContent()).toContain('correlation_id');
    expect(await found.textContent()).toContain('Payload fields hidden');
    expect(await page.content()).not.toContain(CLIENT_NAME);
    expect(await page.locator('#messages-summary').textContent()).toMatch(/^1 record\(s\) matching/);
    await screenshot(page, 'messages');
  });

  it("should list a worker's dead letter with its error class and show it", async () => {
    // Bytes no schema decodes, straight onto a topic the diagnostics worker reads: it dead-letters them at once.
    const eventId = `evt-garbage-${run}`;
    const topic = topicOf('knowledge.upserted');
    await system.producer.send({ topic, acks: -1, messages: [{ key: `kb-${run}`, value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: { event_id: eventId } }] });
    const row = `#dead-letters tbody tr:has(td code:text-is("${eventId}"))`;
    await eventually(
      async () => {
        await page.goto(url(`/dead-letters?topic=${topic}.dlq&group=${GROUPS.diagnostics}`));
        return page.locator(row).count();
      },
      (count) => count === 1,
      WAIT_MS,
      1_000,
    );

    expect(await page.locator(`${row} [data-error-class]`).textContent()).toMatch(/Undecodable|Unknown/);
    await screenshot(page, 'dead-letters');
    await page.click(`${row} td:first-child a`);
    expect(await page.locator('table.headers').textContent()).toContain('x-dlq-error-class');
    expect(await page.locator('main').textContent()).toMatch(/Not decodable/);
    await screenshot(page, 'dead-letter');
  });

  it('should replay a dead letter after login and confirmation, processed once by its target group only', async () => {
    const dead = await writeDeadDecision(system.producer, GROUPS.diagnostics, { decision_id: DECISION, workflow_id: DEGRADED_WORKFLOW });
    const summary = async () => (await getJson(`${system.diagnostics.baseUrl}/v1/diagnostics/summary`)).body as { eventsByType: Record<string, number>; duplicatesSkipped: number };
    const decisionsBefore = (await summary()).eventsByType['decision.generated'] ?? 0;

    await page.goto(url(`/dead-letters?topic=${dead.dlqTopic}&group=${GROUPS.diagnostics}`));
    await page.click(`tr[data-location="${dead.dlqTopic}:${dead.partition}:${dead.offset}"] a.replay`);
    expect(await page.locator('#replay-plan li').count()).toBe(1);
    await page.click('.notice a[href^="/login"]');
    await page.fill('input[name="token"]', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/dead-letters\/replay\?/), page.click('#login button[type="submit"]')]);
    await screenshot(page, 'replay-confirm');
    await Promise.all([page.waitForURL(/\/dead-letters\/replayed\?/), page.click('#confirm-replay button[type="submit"]')]);

    expect(await page.locator('#replay-done').textContent()).toContain(`Replayed 1 record(s) to ${GROUPS.diagnostics}`);
    await page.waitForSelector('#replay-progress [data-state="processed"]', { timeout: WAIT_MS });
    await screenshot(page, 'replay-done');

    // Processed by its target: the decision reached the workflow, and was counted once.
    const workflow = await getJson(`${system.diagnostics.baseUrl}/v1/diagnostics/workflows/${DEGRADED_WORKFLOW}`);
    expect((workflow.body['lastDecision'] as { decisionId?: string } | null)?.decisionId).toBe(DECISION);
    expect((await summary()).eventsByType['decision.generated']).toBe(decisionsBefore + 1);
    // Skipped by the other group: recommendations committed past the replayed record without personalising it.
    const replayedAt = await page.locator('#replay-progress tr[data-replayed]').getAttribute('data-replayed');
    const [, partition, offset] = /:(\d+):(\d+)$/.exec(replayedAt as string) as RegExpExecArray;
    await eventually(
      async () => (await system.admin.fetchOffsets({ groupId: GROUPS.recommendations, topics: [topicOf('decision.generated')] }))[0]?.partitions.find((entry) => entry.partition === Number(partition))?.offset,
      (committed) => committed !== undefined && BigInt(committed) > BigInt(offset as string),
      WAIT_MS,
      500,
    );
    expect((await getJson(`${system.recommendations.baseUrl}/v1/recommendations/${DECISION}`)).status).toBe(404);

    // Replayed again, the same event is a duplicate for its group: still counted once.
    const duplicatesBefore = (await summary()).duplicatesSkipped;
    await page.goto(url(`/dead-letters/replay?topic=${dead.dlqTopic}&group=${GROUPS.diagnostics}&offsets=${dead.partition}:${dead.offset}`));
    await Promise.all([page.waitForURL(/\/dead-letters\/replayed\?/), page.click('#confirm-replay button[type="submit"]')]);
    await page.waitForSelector('#replay-progress [data-state="processed"]', { timeout: WAIT_MS });
    await eventually(summary, (current) => current.duplicatesSkipped > duplicatesBefore, WAIT_MS, 250);
    expect((await summary()).eventsByType['decision.generated']).toBe(decisionsBefore + 1);
  });

  it("should list degraded workflows first, show one workflow's state and reasons, and chart events/s by type", async () => {
    await page.goto(url('/workflows'));

    const healths = await page.locator('#workflows tbody tr [data-health]').allTextContents();
    expect(healths.length).toBeGreaterThan(0);
    expect(healths.indexOf('healthy') === -1 || healths.lastIndexOf('degraded') < healths.indexOf('healthy')).toBe(true);
    expect(await page.locator(`#workflows tbody tr[data-workflow="${DEGRADED_WORKFLOW}"] [data-health]`).textContent()).toBe('degraded');
    expect(await page.locator('svg polyline[data-series="agent.completed"]').count()).toBe(1);
    expect(Number(await page.locator('#total-processed').textContent())).toBeGreaterThan(0);
    await screenshot(page, 'workflows');

    await page.click(`#workflows a[href="/workflows/${DEGRADED_WORKFLOW}"]`);
    expect(await page.locator('#workflow-health').textContent()).toBe('degraded');
    expect(await page.locator('#degraded-reasons li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#workflow-state').textContent()).toContain(CLIENT_NAME);
    await screenshot(page, 'workflow');
  });
});
