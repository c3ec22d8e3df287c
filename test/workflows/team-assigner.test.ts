import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { defaultOutboundTransports } from '../../activities/delivery/outbound-transport.js';
import { createActivities } from '../../activities/index.js';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import { loadConfig, type AppConfig } from '../../libs/config/config.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { createMailTransport } from '../../libs/mail/mail-transport.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { signalTeamCapacityChanged, signalTicketNeedsAssignee } from '../../libs/teams/assigner-signals.js';
import { connectClient } from '../../libs/temporal/connection.js';
import { AUTO_ASSIGNER_ACTOR, teamAssignerWorkflowId, teamQueueQuery, type AssignNextWaitingTicketInput, type WaitingTicket } from '../../libs/temporal/contracts/teams.js';
import { agentActionUpdate } from '../../libs/temporal/contracts/ticket.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { testServers } from '../support/servers.js';
import { createTestDatabase } from '../support/stack.js';

/**
 * A team's assigner with the real ticket workflow and real activities on the dev server, on a worker the test
 * stops and starts: three agents of capacity 2 and ten new tickets.
 */
describe('team assigner', () => {
  let config: AppConfig;
  let orm: Orm;
  let temporal: Client;
  let ingestion: InboundIngestion;
  let activities: ReturnType<typeof createActivities>;
  let worker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
  let account: TestAccount;
  const teamId = `team-${randomUUID()}`;
  const agentIds: string[] = [];
  /** The ticket whose first assignment attempt dies after the ticket took the assignee, before it reported. */
  let dyingAttemptTicketId: string | null = null;
  let diedAttempts = 0;
  /** The ticket whose first assignment attempt is in flight when the worker stops. */
  let interruptedTicketId: string | null = null;
  const interrupted = { reached: false, arrived: () => {} };
  const interruptedAttemptReached = new Promise<void>((resolve) => (interrupted.arrived = resolve));

  const startWorker = async () => {
    const connection = await NativeConnection.connect({ address: testServers().temporalAddress });
    const created = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { codePath: testServers().workflowBundlePath },
      // Stopping cancels an assignment in flight at once (it may be waiting for a ticket this worker would run).
      shutdownGraceTime: '200ms',
      activities: {
        ...activities,
        assignNextWaitingTicket: async (input: AssignNextWaitingTicketInput) => {
          if (input.ticket.ticketId === interruptedTicketId && !interrupted.reached) {
            interrupted.reached = true;
            interrupted.arrived();
            // Held in flight until the worker stops, which cancels it.
            await Context.current().cancelled;
          }
          const outcome = await activities.assignNextWaitingTicket(input);
          if (input.ticket.ticketId === dyingAttemptTicketId && diedAttempts === 0) {
            diedAttempts++;
            throw new Error('the worker died before it reported the assignment');
          }
          return outcome;
        },
      },
    });
    worker = { worker: created, running: created.run(), connection };
  };
  const stopWorker = async () => {
    if (!worker) return;
    const stopping = worker;
    worker = undefined;
    stopping.worker.shutdown();
    await stopping.running;
    await stopping.connection.close();
  };

  beforeAll(async () => {
    ({ orm } = await createTestDatabase());
    config = loadConfig({
      LOG_LEVEL: 'warn',
      TICKET_ID_SECRET: 'test-ticket-id-secret-0123456789',
      SECRETS_KEYRING: 'test:dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=',
      DATABASE_URL: 'postgres://unused',
      TEMPORAL_ADDRESS: testServers().temporalAddress,
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    });
    installTemporalRuntime('warn');
    temporal = await connectClient(config.temporal);
    ingestion = new InboundIngestion({ config, orm, temporal });
    activities = createActivities({ config, orm, ingestion, temporal, transports: defaultOutboundTransports(), mail: createMailTransport({ smtpUrl: undefined, orm }) });
    await startWorker();

    account = await createAccountWithUsers(orm, { roles: ['owner'] });
    const accounts = new AccountsService(orm);
    for (const name of ['ada', 'bob', 'cyd']) {
      const { user } = await accounts.createUserWithToken(account.accountId, { email: `${name}-${randomUUID().slice(0, 6)}@example.test`, name, role: 'support' });
      agentIds.push(user.id);
    }
    const em = orm.em.fork();
    await em.execute(`INSERT INTO teams (id, account_id, name, assignment_mode) VALUES (?, ?, 'Front line', 'balanced')`, [teamId, account.accountId]);
    for (const [position, userId] of agentIds.entries()) {
      await em.execute('INSERT INTO team_members (team_id, user_id, position) VALUES (?, ?, ?)', [teamId, userId, position]);
    }
    await em.execute('UPDATE users SET capacity = 2 WHERE id IN (?, ?, ?)', agentIds);
  }, 60_000);

  afterAll(async () => {
    await temporal?.workflow.getHandle(teamAssignerWorkflowId(teamId)).terminate('test over').catch(() => undefined);
    await stopWorker();
    await temporal?.connection.close();
    await orm?.close();
  });

  const rows = <T extends object>(sql: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(sql, params);
  const assignments = () => rows<{ ticket_id: string; user_id: string; assignment_id: string }>('SELECT ticket_id, user_id, assignment_id FROM team_assignments WHERE team_id = ? ORDER BY assigned_at', [teamId]);
  const queue = () => temporal.workflow.getHandle(teamAssignerWorkflowId(teamId)).query(teamQueueQuery);
  const assigneeOf = async (ticketId: string) => (await rows<{ assignee_id: string | null }>('SELECT assignee_id FROM tickets WHERE id = ?', [ticketId]))[0]?.assignee_id ?? null;

  it('assigns six of ten tickets evenly, keeps four waiting oldest first, assigns the oldest when a ticket closes, and never twice across a dying worker', async () => {
    const ticketIds: string[] = [];
    for (let n = 0; n < 10; n++) {
      const { ticketId } = await ingestion.ingest({ accountId: account.accountId, channel: 'sms', externalId: `SM-${randomUUID()}`, body: `help ${n}`, sender: { phone: `+141555507${String(n).padStart(2, '0')}` } });
      ticketIds.push(ticketId);
    }
    const created = await eventually(async () => {
      const found = await rows<{ id: string; created_at: Date }>('SELECT id, created_at FROM tickets WHERE id = ANY(string_to_array(?, \',\')) ORDER BY created_at, id', [ticketIds.join(',')]);
      return found.length === 10 ? found : undefined;
    }, 'ten tickets in the projection');
    const oldestFirst: WaitingTicket[] = created.map((ticket) => ({ ticketId: ticket.id, since: new Date(ticket.created_at).toISOString() }));
    interruptedTicketId = oldestFirst[2]!.ticketId;
    dyingAttemptTicketId = oldestFirst[4]!.ticketId;

    // What the ticket workflow's activity does for each new ticket of the team, while no worker runs (the signals
    // wait in Temporal) and newest first, so the assigner must sort its queue; one request comes twice.
    await stopWorker();
    for (const ticket of [...oldestFirst].reverse()) {
      await activities.requestTeamAssignment({ accountId: account.accountId, teamId, ticketId: ticket.ticketId, since: ticket.since });
    }
    await activities.requestTeamAssignment({ accountId: account.accountId, teamId, ticketId: oldestFirst[9]!.ticketId, since: oldestFirst[9]!.since });
    await startWorker();

    // The worker goes away in the middle of the assignments, with one in flight, and comes back.
    await interruptedAttemptReached;
    await stopWorker();
    const beforeRestart = await assignments();
    expect(beforeRestart.map((made) => made.ticket_id)).toEqual(oldestFirst.slice(0, 2).map((ticket) => ticket.ticketId));
    await startWorker();

    const firstSix = await eventually(async () => {
      const made = await assignments();
      return made.length >= 6 && (await queue()).length === 4 ? made : undefined;
    }, 'six assignments and four waiting', 30_000);
    expect(firstSix).toHaveLength(6);
    expect(new Set(firstSix.map((made) => made.ticket_id))).toEqual(new Set(oldestFirst.slice(0, 6).map((ticket) => ticket.ticketId)));
    const perAgent = (made: { user_id: string }[]) => agentIds.map((userId) => made.filter((assignment) => assignment.user_id === userId).length);
    expect(perAgent(firstSix)).toEqual([2, 2, 2]);
    expect(await queue()).toEqual(oldestFirst.slice(6));
    for (const made of firstSix) expect(await assigneeOf(made.ticket_id)).toBe(made.user_id);
    expect(diedAttempts).toBe(1);

    // An agent closes one of their tickets: the oldest waiting ticket goes to them.
    const closed = firstSix[0]!;
    await temporal.workflow.getHandle(closed.ticket_id).executeUpdate(agentActionUpdate, { args: [{ action: { type: 'close' }, actorUserId: closed.user_id }], updateId: `close-${randomUUID()}` });
    await activities.notifyTeamCapacityChanged({ accountId: account.accountId, teamId });
    const seventh = await eventually(async () => {
      const made = await assignments();
      return made.length >= 7 ? made[6] : undefined;
    }, 'the oldest waiting ticket assigned');
    expect(seventh).toMatchObject({ ticket_id: oldestFirst[6]!.ticketId, user_id: closed.user_id });
    await eventually(async () => ((await assigneeOf(oldestFirst[6]!.ticketId)) === closed.user_id ? true : undefined), 'the assignment in the projection');
    // The audit row is written just before the assigner hears back and drops the ticket from its queue.
    await eventually(async () => ((await queue()).length === 3 ? true : undefined), 'three waiting');
    expect(await queue()).toEqual(oldestFirst.slice(7));

    // Exactly one assignment per ticket, in the audit and in the tickets' own events; none lost.
    const made = await assignments();
    expect(made).toHaveLength(7);
    expect(new Set(made.map((assignment) => assignment.ticket_id)).size).toBe(7);
    const assignedEvents = await rows<{ ticket_id: string; count: number }>(
      `SELECT ticket_id, count(*)::int AS count FROM ticket_events WHERE ticket_id = ANY(string_to_array(?, ',')) AND type = 'assigned' GROUP BY ticket_id`,
      [ticketIds.join(',')],
    );
    expect(assignedEvents).toHaveLength(7);
    expect(assignedEvents.every((row) => row.count === 1)).toBe(true);
    const waitingIds = (await queue()).map((ticket) => ticket.ticketId);
    expect(new Set([...made.map((assignment) => assignment.ticket_id), ...waitingIds])).toEqual(new Set(ticketIds));
  }, 90_000);

  it('through the ticket workflow: a routing rule sends new tickets to the team, and a close hands on the waiting one', async () => {
    // An account of its own, so its routing rule sends none of the other tests' tickets anywhere.
    const routed = await createAccountWithUsers(orm, { roles: ['owner', 'support'] });
    const agent = routed.users.support.id;
    const routedTeamId = `team-${randomUUID()}`;
    const em = orm.em.fork();
    await em.execute(`INSERT INTO teams (id, account_id, name) VALUES (?, ?, 'Texts')`, [routedTeamId, routed.accountId]);
    await em.execute('INSERT INTO team_members (team_id, user_id, position) VALUES (?, ?, 0)', [routedTeamId, agent]);
    await em.execute('UPDATE users SET capacity = 1 WHERE id = ?', [agent]);
    await em.execute(`INSERT INTO team_routing_rules (id, account_id, position, conditions, team_id) VALUES (?, ?, 0, '{"channels": ["sms"]}'::jsonb, ?)`, [`trr-${randomUUID()}`, routed.accountId, routedTeamId]);
    const text = async (n: number) =>
      (await ingestion.ingest({ accountId: routed.accountId, channel: 'sms', externalId: `SM-${randomUUID()}`, body: `text ${n}`, sender: { phone: `+141555508${n}0` } })).ticketId;
    const assigneeOf = (ticketId: string) => async () => (await rows<{ assignee_id: string | null }>('SELECT assignee_id FROM tickets WHERE id = ?', [ticketId]))[0]?.assignee_id ?? undefined;
    const routedQueue = () => temporal.workflow.getHandle(teamAssignerWorkflowId(routedTeamId)).query(teamQueueQuery);

    const first = await text(1);
    expect(await eventually(assigneeOf(first), 'the first text assigned')).toBe(agent);
    const second = await text(2);
    await eventually(async () => ((await routedQueue()).map((ticket) => ticket.ticketId).join() === second ? true : undefined), 'the second text waiting');
    expect(await assigneeOf(second)()).toBeUndefined();

    await temporal.workflow.getHandle(first).executeUpdate(agentActionUpdate, { args: [{ action: { type: 'close' }, actorUserId: agent }], updateId: `close-${randomUUID()}` });
    expect(await eventually(assigneeOf(second), 'the second text assigned after the close')).toBe(agent);
    const events = await rows<{ ticket_id: string; type: string; actor_user_id: string | null }>(
      `SELECT ticket_id, type, actor_user_id FROM ticket_events WHERE ticket_id IN (?, ?) AND type IN ('team_routed', 'assigned') ORDER BY ticket_id, occurred_at`,
      [first, second],
    );
    for (const ticketId of [first, second]) {
      expect(events.filter((event) => event.ticket_id === ticketId).map(({ type, actor_user_id }) => ({ type, actor_user_id }))).toEqual([
        { type: 'team_routed', actor_user_id: null },
        { type: 'assigned', actor_user_id: AUTO_ASSIGNER_ACTOR },
      ]);
    }
  }, 60_000);

  it('continues as new when its history grows, carrying the queue in order', async () => {
    // A worker of its own whose assignment stub finds nobody free until the test says otherwise.
    const stubConfig: AppConfig = { ...config, temporal: { ...config.temporal, taskQueue: `stub-${randomUUID()}` } };
    let capacity: 'none' | 'free' = 'none';
    const assignedInOrder: string[] = [];
    const connection = await NativeConnection.connect({ address: testServers().temporalAddress });
    const stubWorker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: stubConfig.temporal.taskQueue,
      workflowBundle: { codePath: testServers().workflowBundlePath },
      activities: {
        assignNextWaitingTicket: async ({ ticket }: AssignNextWaitingTicketInput) => {
          if (capacity === 'none') return { outcome: 'no_capacity' };
          assignedInOrder.push(ticket.ticketId);
          return { outcome: 'assigned', userId: 'agent-1' };
        },
      },
    });
    const running = stubWorker.run();
    const stubTeamId = `team-${randomUUID()}`;
    const handle = temporal.workflow.getHandle(teamAssignerWorkflowId(stubTeamId));
    try {
      const waiting: WaitingTicket[] = [0, 1, 2].map((n) => ({ ticketId: `ticket-${n}`, since: `2026-01-01T00:00:0${n}.000Z` }));
      for (const ticket of [...waiting].reverse()) await signalTicketNeedsAssignee(temporal, stubConfig, account.accountId, stubTeamId, ticket);
      const firstRunId = (await handle.describe()).runId;
      // Every change of capacity is one more attempt in the history, until the run hands over to a new one (when the
      // server suggests it, or at TEAM_ASSIGNER_HISTORY_LIMIT events).
      await eventually(async () => {
        await Promise.all(Array.from({ length: 50 }, () => signalTeamCapacityChanged(temporal, stubConfig, account.accountId, stubTeamId)));
        return (await handle.describe()).runId !== firstRunId ? true : undefined;
      }, 'a continued run', 60_000);
      const firstRun = await temporal.workflow.getHandle(teamAssignerWorkflowId(stubTeamId), firstRunId).describe();
      expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
      expect(await handle.query(teamQueueQuery)).toEqual(waiting);

      capacity = 'free';
      await signalTeamCapacityChanged(temporal, stubConfig, account.accountId, stubTeamId);
      await eventually(async () => ((await handle.query(teamQueueQuery)).length === 0 ? true : undefined), 'the carried queue drained');
      expect(assignedInOrder).toEqual(waiting.map((ticket) => ticket.ticketId));
    } finally {
      await handle.terminate('test over').catch(() => undefined);
      stubWorker.shutdown();
      await running;
      await connection.close();
    }
  }, 120_000);
});
