import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Projection of one ticket workflow's state, for lists, filters and the ticket overview. */
export const Ticket = defineEntity({
  name: 'Ticket',
  tableName: 'tickets',
  properties: {
    id: p.string().primary(),
    accountId: p.string(),
    channel: p.string(),
    status: p.string(),
    assigneeId: p.string().nullable(),
    tags: p.array().columnType('text[]'),
    subject: p.string().nullable(),
    customerName: p.string().nullable(),
    customerPhone: p.string().nullable(),
    customerEmail: p.string().nullable(),
    customerVisitorId: p.string().nullable(),
    snoozedUntil: p.datetime().nullable(),
    unreadSince: p.datetime().nullable(),
    lastInboundAt: p.datetime().nullable(),
    firstAgentReplyAt: p.datetime().nullable(),
    messageCount: p.integer(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    version: p.integer(),
  },
});
export type Ticket = InferEntity<typeof Ticket>;

export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    id: p.string().primary(),
    ticketId: p.string(),
    accountId: p.string(),
    direction: p.string(),
    authorUserId: p.string().nullable(),
    body: p.text(),
    subject: p.string().nullable(),
    externalId: p.string().nullable(),
    deliveryStatus: p.string().nullable(),
    deliveryError: p.string().nullable(),
    recordedAtVersion: p.integer(),
    createdAt: p.datetime(),
  },
});
export type Message = InferEntity<typeof Message>;

/** The audit trail: every transition of a ticket and why it happened. */
export const TicketEventRecord = defineEntity({
  name: 'TicketEventRecord',
  tableName: 'ticket_events',
  properties: {
    id: p.string().primary(),
    ticketId: p.string(),
    accountId: p.string(),
    type: p.string(),
    actorUserId: p.string().nullable(),
    detail: p.json<Record<string, unknown>>(),
    occurredAt: p.datetime(),
  },
});
export type TicketEventRecord = InferEntity<typeof TicketEventRecord>;

export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.string().primary(),
    accountId: p.string(),
    userId: p.string(),
    ticketId: p.string(),
    type: p.string(),
    detail: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  },
});
export type Notification = InferEntity<typeof Notification>;

export const TicketRead = defineEntity({
  name: 'TicketRead',
  tableName: 'ticket_reads',
  properties: {
    ticketId: p.string().primary(),
    userId: p.string().primary(),
    readAt: p.datetime(),
  },
});
export type TicketRead = InferEntity<typeof TicketRead>;

/** Which ticket a web-chat conversation currently lands in (the key is a keyed hash). */
export const ChatConversation = defineEntity({
  name: 'ChatConversation',
  tableName: 'chat_conversations',
  properties: {
    accountId: p.string().primary(),
    conversationKey: p.string().primary(),
    ticketId: p.string(),
  },
});
export type ChatConversation = InferEntity<typeof ChatConversation>;

export const SavedView = defineEntity({
  name: 'SavedView',
  tableName: 'saved_views',
  properties: {
    id: p.string().primary(),
    accountId: p.string(),
    ownerUserId: p.string(),
    name: p.string(),
    shared: p.boolean(),
    filters: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});
export type SavedView = InferEntity<typeof SavedView>;
