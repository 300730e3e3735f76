import { consumerGroupMembers, waitForGroupMembers } from './consumer-group.probe';
import { freePort } from '../free-port';
import { spawnInWorkspace, startNxApp, type RunningApp } from './nx-app.process';

/**
 * The lifecycle every Kafka-consuming app must honour, as Jest specs: started by Nx it answers
 * /health/live, joins its contract consumer group under that exact name, leaves it on SIGTERM
 * (well inside the session timeout, so only a graceful leave passes), and refuses a bad env.
 */
export function describeConsumerAppLifecycle(project: string, groupId: string, brokers: string[]) {
  const ownMembers = (members: string[]) => members.filter((clientId) => clientId === project).length;

  describe(`${project} (started by Nx)`, () => {
    let app: RunningApp | undefined;
    let membersBefore: number;

    beforeAll(async () => {
      membersBefore = ownMembers(await consumerGroupMembers(brokers, groupId));
      app = await startNxApp(project, { PORT: String(await freePort()) });
    });

    afterAll(async () => {
      await app?.stop();
    });

    it('should answer GET /health/live with 200', async () => {
      const response = await fetch(`${app?.baseUrl}/health/live`);

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    });

    it(`should join the consumer group ${groupId} under that exact name`, async () => {
      const members = await waitForGroupMembers(brokers, groupId, (seen) => ownMembers(seen) === membersBefore + 1);

      expect(ownMembers(members)).toBe(membersBefore + 1);
    });

    it('should leave the group on SIGTERM', async () => {
      await app?.stop('SIGTERM');
      app = undefined;
      const members = await waitForGroupMembers(brokers, groupId, (seen) => ownMembers(seen) === membersBefore, 15_000);

      expect(ownMembers(members)).toBe(membersBefore);
    });
  });

  describe(`${project} start-up validation`, () => {
    it('should exit 1 with one line naming the bad variable', async () => {
      const run = spawnInWorkspace('node', [`dist/apps/${project}/main.js`], { KAFKA_BROKERS: 'kafka' });

      expect(await run.exited()).toBe(1);
      expect(run.output()).toBe(
        `${project}: invalid environment: KAFKA_BROKERS="kafka": expected a comma-separated list of host:port\n`,
      );
    });
  });
}
