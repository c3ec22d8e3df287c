import type { Channel } from '../../libs/domain/channel-policy.js';

/** One outbound message on its way to the customer. */
export interface OutboundDelivery {
  messageId: string;
  ticketId: string;
  accountId: string;
  channel: Channel;
  body: string;
}

export type DeliveryResult =
  | { status: 'queued' | 'sent' | 'delivered'; externalId: string | null }
  | { status: 'failed'; error: string };

/**
 * The interface every channel transport implements (Twilio for SMS, nodemailer for email,
 * the chat API for web chat). Implementations must be safe to call again for the same
 * messageId after a crash: the caller records the result, and never calls twice once it has.
 */
export interface OutboundTransport {
  deliver(delivery: OutboundDelivery): Promise<DeliveryResult>;
  /**
   * Before an agent's retry of a failed message: forget an earlier attempt that the provider definitely
   * refused, so it is sent again; an attempt whose outcome is unknown is kept, so it is never sent twice.
   */
  forgetFailedAttempt?(messageId: string): Promise<void>;
}

/** Web chat replies are delivered by being stored: the customer's chat reads them from the database. */
export const webChatTransport: OutboundTransport = {
  deliver: async () => ({ status: 'delivered', externalId: null }),
};

export type OutboundTransports = Partial<Record<Channel, OutboundTransport>>;

export function defaultOutboundTransports(): OutboundTransports {
  return { web_chat: webChatTransport };
}
