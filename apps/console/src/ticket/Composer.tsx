import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type RefObject } from 'react';
import { SegmentedMessage } from 'sms-segments-calculator';
import { canReplyBySms, SMS_REPLY_REFUSED_REASON } from '../../../../libs/domain/sms-consent';
import { api, ApiFailure, describeFailure, unwrap, type Ticket } from '../api/client';
import { useAgentTypingBeat } from './use-agent-presence';

const TYPING_SIGNAL_MS = 3_000;
const PRESENCE_REFRESH_MS = 5_000;

/** A draft survives a failed send and a trip to another page (kept per ticket for the browser tab). */
function useDraft(ticketId: string): [string, (text: string) => void] {
  const key = `draft:${ticketId}`;
  const [draft, setDraft] = useState(() => sessionStorage.getItem(key) ?? '');
  const update = (text: string) => {
    setDraft(text);
    if (text) sessionStorage.setItem(key, text);
    else sessionStorage.removeItem(key);
  };
  return [draft, update];
}

/** The reply box, fitted to the channel: consent and segments for SMS, thread and signature for email, presence for chat. */
export function Composer({ ticket, textareaRef }: { ticket: Ticket; textareaRef: RefObject<HTMLTextAreaElement | null> }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useDraft(ticket.id);
  const smsBlock = useSmsConsentBlock(ticket);
  const typingBeat = useAgentTypingBeat(ticket.id);
  // The collision guard: the reply carries the version of the ticket on screen; `force` sends it although the conversation moved on.
  const send = useMutation({
    mutationFn: ({ body, force }: { body: string; force?: boolean }) =>
      unwrap(api.POST('/tickets/{ticketId}/replies', { params: { path: { ticketId: ticket.id } }, body: { body, seenVersion: ticket.version, ...(force ? { force } : {}) } })),
    onSuccess: () => {
      setDraft('');
      typingBeat(false);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['ticket', ticket.id] });
      void queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
  const typing = useAgentTypingSignal(ticket);
  const disabledReason = smsBlock ?? (ticket.status === 'closed' && ticket.channel === 'web_chat' ? 'This chat is closed: the visitor left.' : null);
  const refusal = send.error instanceof ApiFailure && send.error.code === 'sms_consent_missing';
  const collision = send.error instanceof ApiFailure && send.error.code === 'conversation_changed' ? send.error : null;

  return (
    <form
      className="composer"
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        if (draft.trim() && !disabledReason) send.mutate({ body: draft });
      }}
    >
      {ticket.channel === 'email' && <EmailContext ticket={ticket} />}
      {ticket.channel === 'web_chat' && <ChatPresence ticket={ticket} />}
      <label>
        <span className="visually-hidden">Reply</span>
        <textarea
          ref={textareaRef}
          value={draft}
          rows={4}
          placeholder={disabledReason ? '' : `Reply by ${ticket.channel === 'sms' ? 'SMS' : ticket.channel === 'email' ? 'email' : 'chat'} (r)`}
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? 'composer-blocked' : undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            typing();
            typingBeat(true);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) event.currentTarget.form?.requestSubmit();
          }}
        />
      </label>
      {disabledReason && (
        <p id="composer-blocked" className="warning" role="note">
          {disabledReason}
        </p>
      )}
      {ticket.channel === 'sms' && !disabledReason && <SegmentCount text={draft} />}
      {collision && (
        <div role="alert" className="warning">
          <p>
            Not sent: while you were writing, the conversation changed ({whatChanged(collision.message)}). The thread above now shows it; your draft is kept.
          </p>
          <button type="button" onClick={() => send.mutate({ body: draft, force: true })} disabled={send.isPending}>
            Send anyway
          </button>
        </div>
      )}
      {send.isError && !collision && (
        <p role="alert" className="error">
          {refusal ? SMS_REPLY_REFUSED_REASON : `Not sent: ${describeFailure(send.error)}`} Your draft is kept.
        </p>
      )}
      <button type="submit" className="primary" disabled={Boolean(disabledReason) || !draft.trim() || send.isPending}>
        {send.isPending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}

/** SMS: the reason the reply cannot go out (no consent for the customer's number), or null. */
function useSmsConsentBlock(ticket: Ticket): string | null {
  const phone = ticket.channel === 'sms' ? ticket.customer.phone : null;
  const consent = useQuery({
    queryKey: ['sms-consent', phone],
    enabled: Boolean(phone),
    queryFn: async () => {
      try {
        return (await unwrap(api.GET('/sms/profiles/{phone}', { params: { path: { phone: phone! } } }))).consent;
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 404) return 'none' as const;
        throw error;
      }
    },
  });
  if (!phone || !consent.data) return null;
  return canReplyBySms(consent.data) ? null : SMS_REPLY_REFUSED_REASON;
}

function SegmentCount({ text }: { text: string }) {
  if (!text) return null;
  const message = new SegmentedMessage(text, 'auto');
  return (
    <p className="muted" aria-live="polite">
      {text.length} characters · {message.segmentsCount} {message.segmentsCount === 1 ? 'segment' : 'segments'} ({message.getEncodingName()})
    </p>
  );
}

function EmailContext({ ticket }: { ticket: Ticket }) {
  const settings = useQuery({ queryKey: ['settings', 'email'], queryFn: () => unwrap(api.GET('/settings/email')), staleTime: 5 * 60_000 });
  const subject = ticket.subject ? (/^re:/i.test(ticket.subject) ? ticket.subject : `Re: ${ticket.subject}`) : '(no subject)';
  return (
    <div className="email-context">
      <p>
        To <strong>{ticket.customer.email ?? 'the customer'}</strong> · in the thread <strong>{subject}</strong>
      </p>
      {settings.data?.signature && (
        <p className="signature" aria-label="Signature">
          <span className="muted">Signature, added below your reply:</span> {settings.data.signature}
        </p>
      )}
    </div>
  );
}

function ChatPresence({ ticket }: { ticket: Ticket }) {
  const presence = useQuery({
    queryKey: ['chat-visitor', ticket.id],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/chat-visitor', { params: { path: { ticketId: ticket.id } } })),
    // The visitor's heartbeats are not projected into the live stream; presence is read while the chat is open.
    refetchInterval: ticket.status === 'closed' ? false : PRESENCE_REFRESH_MS,
  });
  if (!presence.data) return null;
  return (
    <p className="presence" role="status">
      <span className={`presence-dot ${presence.data.online ? 'online' : 'offline'}`} aria-hidden="true" />
      {presence.data.name ?? 'The visitor'} is {presence.data.online ? 'on the page' : 'away'}
      {presence.data.typing && ' and typing…'}
    </p>
  );
}

/** Chat: tells the visitor an agent is typing, at most every few seconds. */
function useAgentTypingSignal(ticket: Ticket): () => void {
  const last = useRef(0);
  return () => {
    if (ticket.channel !== 'web_chat' || Date.now() - last.current < TYPING_SIGNAL_MS) return;
    last.current = Date.now();
    void api.POST('/tickets/{ticketId}/chat-typing', { params: { path: { ticketId: ticket.id } } });
  };
}

/** "1 new customer message and 1 reply by another agent", from the API's conversation_changed message. */
function whatChanged(message: string): string {
  return /: ([^;]+);/.exec(message)?.[1] ?? 'new messages came in';
}
