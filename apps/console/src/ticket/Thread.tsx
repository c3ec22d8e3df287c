import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Message, type Ticket } from '../api/client';
import { useUserName } from '../common/people';
import { Time } from '../common/time';

/** The conversation, oldest first: the last 50 messages, and older ones on demand. */
export function Thread({ ticketId, messages, olderCursor, channel }: { ticketId: string; messages: Message[]; olderCursor: string | null; channel: Ticket['channel'] }) {
  const [older, setOlder] = useState<{ messages: Message[]; cursor: string | null } | null>(null);
  const cursor = older ? older.cursor : olderCursor;
  const loadOlder = useMutation({
    mutationFn: () => unwrap(api.GET('/tickets/{ticketId}/messages', { params: { path: { ticketId }, query: { before: cursor ?? undefined } } })),
    onSuccess: (page) => setOlder((current) => ({ messages: [...page.messages, ...(current?.messages ?? [])], cursor: page.olderCursor })),
  });
  const all = [...(older?.messages ?? []), ...messages];
  return (
    <div className="thread">
      {cursor && (
        <button className="load-older" onClick={() => loadOlder.mutate()} disabled={loadOlder.isPending}>
          {loadOlder.isPending ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      {loadOlder.isError && (
        <p role="alert" className="error">
          {describeFailure(loadOlder.error)}
        </p>
      )}
      <ol className="messages" aria-label="Messages">
        {all.map((message) => (
          <MessageItem key={message.id} ticketId={ticketId} message={message} channel={channel} />
        ))}
      </ol>
    </div>
  );
}

const DELIVERY_LABELS: Record<string, string> = {
  pending: 'Sending…',
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not delivered',
  undelivered: 'Not delivered',
};

function MessageItem({ ticketId, message, channel }: { ticketId: string; message: Message; channel: Ticket['channel'] }) {
  const nameOf = useUserName();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST('/tickets/{ticketId}/messages/{messageId}/retry', { params: { path: { ticketId, messageId: message.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['ticket', ticketId] }),
  });
  const automated = message.direction === 'outbound' && !message.authorUserId;
  const author = message.direction === 'inbound' ? 'Customer' : automated ? 'Automated' : nameOf(message.authorUserId);
  const failed = message.deliveryStatus === 'failed' || message.deliveryStatus === 'undelivered';
  return (
    <li className={`message ${message.direction}${automated ? ' automated' : ''}`} aria-label={`${author}, ${message.direction === 'inbound' ? 'received' : 'sent'}`}>
      <header>
        <strong>{author}</strong>
        {automated && <span className="badge-automated">Automated</span>}
        <Time value={message.createdAt} />
        {message.direction === 'outbound' && message.deliveryStatus && (
          <span className={`delivery delivery-${message.deliveryStatus}`}>{DELIVERY_LABELS[message.deliveryStatus] ?? message.deliveryStatus}</span>
        )}
      </header>
      {message.subject && <p className="subject">{message.subject}</p>}
      <p className="body">{message.body}</p>
      {message.rejectedReason && <p className="warning">Stored sanitised: {message.rejectedReason}</p>}
      {message.attribution && (
        <p className="attribution">
          Reply to {message.attribution.kind} {message.attribution.sourceId}, sent <Time value={message.attribution.sentAt} />
        </p>
      )}
      {failed && (
        <p className="error">
          {message.deliveryError ?? 'The provider did not deliver it.'}{' '}
          <button onClick={() => retry.mutate()} disabled={retry.isPending}>
            Send again
          </button>
          {retry.isError && <span role="alert"> {describeFailure(retry.error)}</span>}
        </p>
      )}
      {channel === 'email' && <EmailDetails messageId={message.id} />}
    </li>
  );
}

/** An email's headers and attachments, read when the agent opens them. */
function EmailDetails({ messageId }: { messageId: string }) {
  const [open, setOpen] = useState(false);
  const email = useQuery({
    queryKey: ['email', messageId],
    queryFn: () => unwrap(api.GET('/email/messages/{messageId}', { params: { path: { messageId } } })),
    enabled: open,
    staleTime: Infinity,
  });
  return (
    <details onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>Email details and attachments</summary>
      {email.isPending && open && <p className="loading">Loading…</p>}
      {email.isError && <p className="error">{describeFailure(email.error)}</p>}
      {email.data && (
        <dl className="email-details">
          <dt>From</dt>
          <dd>{[email.data.fromName, email.data.fromAddress].filter(Boolean).join(' ') || '—'}</dd>
          <dt>To</dt>
          <dd>{email.data.to.join(', ') || '—'}</dd>
          {email.data.cc.length > 0 && (
            <>
              <dt>Cc</dt>
              <dd>{email.data.cc.join(', ')}</dd>
            </>
          )}
          <dt>Message-ID</dt>
          <dd>{email.data.rfcMessageId}</dd>
          {email.data.automatedReasons.length > 0 && (
            <>
              <dt>Written by a machine</dt>
              <dd>{email.data.automatedReasons.join(', ')}</dd>
            </>
          )}
          <dt>Attachments</dt>
          <dd>
            {email.data.attachments.length === 0 ? (
              'None'
            ) : (
              <ul>
                {email.data.attachments.map((attachment) => (
                  <li key={attachment.id}>
                    <a href={attachment.downloadPath} download>
                      {attachment.filename ?? 'attachment'}
                    </a>{' '}
                    <span className="muted">({Math.ceil(attachment.size / 1024)} KB)</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      )}
    </details>
  );
}
