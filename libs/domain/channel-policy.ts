/** The three channels and how each one creates and reopens tickets (SPEC §2). */
export const CHANNELS = ['web_chat', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelPolicy {
  /** What a new inbound message does to a closed ticket of this channel. */
  inboundOnClosedTicket: 'reopen' | 'start_new_ticket';
  /** Whether an agent may reopen a closed ticket of this channel. */
  agentMayReopen: boolean;
  /** How the ticket is keyed: the ticket lives as long as the key does. */
  ticketKey: 'conversation' | 'thread' | 'phone_number';
}

const POLICIES: Record<Channel, ChannelPolicy> = {
  web_chat: { inboundOnClosedTicket: 'start_new_ticket', agentMayReopen: false, ticketKey: 'conversation' },
  email: { inboundOnClosedTicket: 'reopen', agentMayReopen: true, ticketKey: 'thread' },
  sms: { inboundOnClosedTicket: 'reopen', agentMayReopen: true, ticketKey: 'phone_number' },
};

export function channelPolicy(channel: Channel): ChannelPolicy {
  return POLICIES[channel];
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** A closed web-chat ticket is final: its workflow ends, and the conversation's next message starts a new ticket. */
export function ticketEndsWhenClosed(channel: Channel): boolean {
  return channelPolicy(channel).inboundOnClosedTicket === 'start_new_ticket';
}
