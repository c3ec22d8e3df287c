import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';
import type { Channel } from '../../libs/domain/channel-policy.js';
import type { TicketEvent, TicketState } from '../../libs/domain/ticket.js';
import { findExecutable } from '../../libs/embedded/temporal-dev-server.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import {
  inboundMessageSignal,
  type InboundMessage,
  type TicketProjection,
  type TicketWorkflowInput,
} from '../../libs/temporal/contracts/ticket.js';
import { WORKFLOW_TYPES } from '../../libs/temporal/workflow-ids.js';
import { testServers } from './servers.js';

type ActivityName = keyof Activities;
type AnyInput = any;

/** An activity call the test holds until it says so: it can then let it finish, or fail it. */
export interface Gate {
  /** Resolves with the call's input once the workflow has called the activity. */
  readonly reached: Promise<AnyInput>;
  release(): void;
  fail(error: Error): void;
}

interface PendingGate {
  name: ActivityName;
  matches: (input: AnyInput) => boolean;
  arrived: (input: AnyInput) => void;
  outcome: Promise<Error | null>;
}

/** One projection write as the database would have seen it. */
export interface ProjectionWrite {
  activity: ActivityName;
  state: TicketState;
  events: TicketEvent[];
}

/**
 * Stub activities for workflow tests: an in-memory projection with the real one's rules (the ticket
 * row only moves forward by version; events are keyed by ticket, version and index), a log of every
 * call, gates that hold a chosen call until the test releases it, and per-activity overrides.
 */
export class GatedActivities {
  readonly calls: { name: ActivityName; input: AnyInput }[] = [];
  readonly writes: ProjectionWrite[] = [];
  readonly tickets = new Map<string, TicketState>();
  readonly events = new Map<string, TicketEvent & { ticketId: string; version: number }>();
  readonly storedMessages = new Map<string, { ticketId: string; direction: 'inbound' | 'outbound'; body: string; status: string | null; rejectedReason: string | null }>();
  private readonly gates: PendingGate[] = [];
  private readonly overrides = new Map<ActivityName, (input: AnyInput, stub: (input: AnyInput) => Promise<unknown>) => Promise<unknown>>();

  /** Holds the next call of `name` whose input matches. */
  hold(name: ActivityName, matches: (input: AnyInput) => boolean = () => true): Gate {
    let arrived!: (input: AnyInput) => void;
    let settle!: (error: Error | null) => void;
    const reached = new Promise<AnyInput>((resolve) => (arrived = resolve));
    const outcome = new Promise<Error | null>((resolve) => (settle = resolve));
    this.gates.push({ name, matches, arrived, outcome });
    return { reached, release: () => settle(null), fail: (error) => settle(error) };
  }

  /** Replaces an activity's behaviour (the call is still logged and gated); `stub` is the usual behaviour. */
  override(name: ActivityName, behaviour: (input: AnyInput, stub: (input: AnyInput) => Promise<unknown>) => Promise<unknown>): void {
    this.overrides.set(name, behaviour);
  }

  restore(name: ActivityName): void {
    this.overrides.delete(name);
  }

  callsOf(name: ActivityName): AnyInput[] {
    return this.calls.filter((call) => call.name === name).map((call) => call.input);
  }

  /** Event ids of a ticket in version order, as the projection holds them. */
  eventsOf(ticketId: string): (TicketEvent & { version: number })[] {
    return [...this.events.values()].filter((event) => event.ticketId === ticketId).sort((a, b) => a.version - b.version);
  }

  build(): Partial<Activities> {
    const stubs: Partial<Record<ActivityName, (input: AnyInput) => Promise<unknown>>> = {
      recordInboundMessage: async ({ projection, message }: { projection: TicketProjection; message: InboundMessage }) => {
        const existing = this.storedMessages.get(message.messageId);
        if (existing) return { duplicate: existing.ticketId !== projection.state.ticketId || this.tickets.get(projection.state.ticketId)!.version !== projection.state.version };
        this.project('recordInboundMessage', projection);
        this.storedMessages.set(message.messageId, { ticketId: projection.state.ticketId, direction: 'inbound', body: message.body, status: null, rejectedReason: null });
        return { duplicate: false };
      },
      quarantineInboundMessage: async ({ projection, message, reason }: { projection: TicketProjection; message: InboundMessage; reason: string }) => {
        this.project('quarantineInboundMessage', projection);
        this.storedMessages.set(message.messageId, { ticketId: projection.state.ticketId, direction: 'inbound', body: message.body.replaceAll('\u0000', '\uFFFD'), status: null, rejectedReason: reason });
      },
      projectTicket: async (projection: TicketProjection) => this.project('projectTicket', projection),
      recordAgentReply: async ({ projection, messageId, body }: { projection: TicketProjection; messageId: string; body: string }) => {
        this.project('recordAgentReply', projection);
        if (!this.storedMessages.has(messageId)) this.storedMessages.set(messageId, { ticketId: projection.state.ticketId, direction: 'outbound', body, status: 'pending', rejectedReason: null });
      },
      recordTicketRead: async ({ projection }: { projection?: TicketProjection }) => {
        if (projection) this.project('recordTicketRead', projection);
      },
      deliverOutboundMessage: async ({ messageId }: { messageId: string }) => {
        const message = this.storedMessages.get(messageId);
        if (!message) throw ApplicationFailure.nonRetryable(`outbound message ${messageId} does not exist`, 'MessageNotFound');
        if (message.status !== 'pending') return { status: message.status };
        message.status = 'sent';
        return { status: 'sent' };
      },
      recordDeliveryFailure: async ({ projection, messageId, reason }: { projection: TicketProjection; messageId: string; reason: string }) => {
        this.project('recordDeliveryFailure', projection);
        const message = this.storedMessages.get(messageId);
        if (message) Object.assign(message, { status: 'failed', rejectedReason: null, error: reason });
      },
      requeueFailedDelivery: async ({ projection, messageId }: { projection: TicketProjection; messageId: string }) => {
        const message = this.storedMessages.get(messageId);
        if (!message || message.ticketId !== projection.state.ticketId || message.status !== 'failed') return { requeued: false };
        message.status = 'pending';
        this.project('requeueFailedDelivery', projection);
        return { requeued: true };
      },
      forwardChatMessage: async ({ message }: { message: InboundMessage }) => ({ ticketId: `next-ticket-for-${message.threadKey}` }),
      notifySnoozeExpired: async () => undefined,
      notifyTeamOfSms: async () => ({ sent: true }),
      loadSmsAutomationContext: async () => ({
        sends: [],
        attributionWindowMs: 5 * 24 * 3600_000,
        autoResponder: { enabled: false, text: '', cooldownHours: 24 },
        consent: 'unknown',
        ownNumbers: [],
        lastAutoResponseAt: null,
        templateValues: {},
        notifyTeam: false,
      }),
      recordSmsAutomation: async ({ projection }: { projection: TicketProjection }) => this.project('recordSmsAutomation', projection),
      loadOfficeHoursFacts: async () => ({ configured: false, online: true, timeZone: null, nextChange: null, onlineText: null, offlineText: null }),
      recordChatAutoResponse: async ({ projection }: { projection: TicketProjection }) => this.project('recordChatAutoResponse', projection),
      sendChatFollowUpEmail: async () => undefined,
      // No SLA policy applies in these tests: each clock runs untimed.
      timeSlaClocks: async ({ clocks }: { clocks: { id: string; pauses: []; pausedSince: string | null }[] }) => ({
        policy: null,
        skipped: [],
        usesProfile: false,
        anyPolicy: false,
        clocks: clocks.map(({ id, pauses, pausedSince }) => ({ id, goal: null, pauses, pausedSince, warnAt: null, dueAt: null })),
      }),
      notifySlaAlert: async () => undefined,
      // No team routes these tickets.
      routeTicketToTeam: async () => ({ teamId: null, ruleId: null, reason: 'no_rule_matched' }),
      requestTeamAssignment: async () => undefined,
      notifyTeamCapacityChanged: async () => undefined,
      listOpenTicketsForSla: async () => [],
      loadCsatFacts: async () => ({ settings: { enabledChannels: [], resendAfterDays: 7, question: '' }, lastSurveySentAt: null, smsConsent: null, hasRecipient: true }),
      recordCsatSurvey: async ({ projection }: { projection: TicketProjection }) => this.project('recordCsatSurvey', projection),
    };
    const gated: Record<string, (input: AnyInput) => Promise<unknown>> = {};
    for (const [name, stub] of Object.entries(stubs) as [ActivityName, (input: AnyInput) => Promise<unknown>][]) {
      gated[name] = async (input: AnyInput) => {
        this.calls.push({ name, input });
        const gateIndex = this.gates.findIndex((gate) => gate.name === name && gate.matches(input));
        if (gateIndex >= 0) {
          const [gate] = this.gates.splice(gateIndex, 1);
          gate!.arrived(input);
          const error = await gate!.outcome;
          if (error) throw error;
        }
        const override = this.overrides.get(name);
        return override ? override(input, stub) : stub(input);
      };
    }
    return gated as Partial<Activities>;
  }

  private project(activity: ActivityName, { state, events }: TicketProjection): void {
    this.writes.push({ activity, state, events });
    const current = this.tickets.get(state.ticketId);
    if (!current || current.version < state.version) this.tickets.set(state.ticketId, state);
    events.forEach((event, index) => {
      const id = `${state.ticketId}:${state.version}:${index}`;
      if (!this.events.has(id)) this.events.set(id, { ...event, ticketId: state.ticketId, version: state.version });
    });
  }
}

export interface GatedWorkflowStack {
  env: TestWorkflowEnvironment;
  activities: GatedActivities;
  taskQueue: string;
  /** Signal-with-start, as the ingestion does it. */
  sendInbound(ticketId: string, message: Partial<InboundMessage> & { messageId: string }, options?: { channel?: Channel; historyEventLimit?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** The real workflow bundle on the time-skipping test server, with gated stub activities. */
export async function startGatedWorkflowStack(): Promise<GatedWorkflowStack> {
  installTemporalRuntime('warn');
  const testServer = findExecutable('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH);
  if (!testServer) throw new Error('temporal-test-server not found: run the tests with `npm test`, whose set-up installs it');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
  const activities = new GatedActivities();
  const taskQueue = `gated-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: testServers().workflowBundlePath },
    activities: activities.build(),
  });
  const running = worker.run();
  return {
    env,
    activities,
    taskQueue,
    sendInbound: async (ticketId, partial, options = {}) => {
      const channel = options.channel ?? partial.channel ?? 'email';
      const message: InboundMessage = {
        accountId: 'account-1',
        channel,
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
        body: `body of ${partial.messageId}`,
        subject: null,
        sender: { name: null, phone: channel === 'sms' ? '+14155550100' : null, email: 'customer@example.com', visitorId: channel === 'web_chat' ? 'visitor-1' : null },
        externalId: partial.messageId,
        threadKey: channel === 'sms' ? null : `thread-${ticketId}`,
        ...partial,
      };
      const input: TicketWorkflowInput = { ticketId, accountId: message.accountId, channel, historyEventLimit: options.historyEventLimit ?? 10_000 };
      await env.client.workflow.signalWithStart(WORKFLOW_TYPES.ticket, {
        workflowId: ticketId,
        taskQueue,
        args: [input],
        signal: inboundMessageSignal,
        signalArgs: [message],
      });
    },
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
