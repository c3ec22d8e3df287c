import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { formatExact, Time } from '../common/time';
import { canManageAccount, CopyField, normalFailure } from './shared';

type TokenDto = Schemas['TokenDto'];
type IssuedTokenDto = Schemas['IssuedTokenDto'];
type TokenBody = Schemas['TokenBody'];

interface TokenApi {
  list: () => Promise<Schemas['TokenListDto']>;
  create: (body: TokenBody) => Promise<IssuedTokenDto>;
  revoke: (id: string) => Promise<unknown>;
}

const personal: TokenApi = {
  list: () => unwrap(api.GET('/me/tokens')),
  create: (body) => unwrap(api.POST('/me/tokens', { body })),
  revoke: (id) => unwrap(api.DELETE('/me/tokens/{id}', { params: { path: { id } } })),
};

const integration: TokenApi = {
  list: () => unwrap(api.GET('/integration-tokens')),
  create: (body) => unwrap(api.POST('/integration-tokens', { body })),
  revoke: (id) => unwrap(api.DELETE('/integration-tokens/{id}', { params: { path: { id } } })),
};

/** Tokens: my personal API tokens, and (owners and admins) the account's integration tokens. */
export function TokensSettings() {
  const me = useMe();
  return (
    <div className="settings-stack">
      <TokenSection
        kind="personal"
        title="My tokens"
        description="Personal tokens act as you, with your role, in scripts and tools (Authorization: Bearer …)."
        calls={personal}
      />
      {canManageAccount(me.user.role) && (
        <TokenSection
          kind="integration"
          title="Integration tokens"
          description="Integration tokens belong to the account, not to a person: for the shop, marketing tools and other systems."
          calls={integration}
        />
      )}
    </div>
  );
}

function TokenSection({ kind, title, description, calls }: { kind: 'personal' | 'integration'; title: string; description: string; calls: TokenApi }) {
  const queryClient = useQueryClient();
  const queryKey = ['settings', 'tokens', kind];
  const tokens = useQuery({ queryKey, queryFn: calls.list });
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('');
  const [issued, setIssued] = useState<IssuedTokenDto | null>(null);
  const create = useMutation({
    mutationFn: calls.create,
    onSuccess: (token) => {
      setIssued(token);
      setName('');
      setExpiry('');
      return queryClient.invalidateQueries({ queryKey });
    },
  });
  const error = normalFailure(create.error);
  const titleId = `tokens-${kind}`;
  return (
    <section className="card settings-form" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p className="muted">{description}</p>
      <form
        aria-label={`Create ${kind} token`}
        className="inline-fields"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          // A date input: the token works through that day (the agent's time zone) and is refused from the next.
          let expiresAt: string | undefined;
          if (expiry) {
            const end = new Date(`${expiry}T00:00:00`);
            end.setDate(end.getDate() + 1);
            expiresAt = Number.isNaN(end.getTime()) ? expiry : end.toISOString();
          }
          create.mutate({ name: name.trim(), ...(expiresAt ? { expiresAt } : {}) });
        }}
      >
        <label>
          Token name
          <input value={name} maxLength={200} placeholder={kind === 'personal' ? 'laptop script' : 'shop integration'} onChange={(event) => setName(event.target.value)} />
          <FieldError error={error} field="name" />
        </label>
        <label>
          Expires after (optional)
          <input type="date" value={expiry} onChange={(event) => setExpiry(event.target.value)} />
          <FieldError error={error} field="expiresAt" />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <FormError error={error} fields={['name', 'expiresAt']} />
      {issued && (
        <div className="issued-token" role="region" aria-label={`New ${kind} token`}>
          <p className="warning">
            Copy the token “{issued.name}” now: it will not be shown again. Anyone with it can use the API as {kind === 'personal' ? 'you' : 'this account'}.
          </p>
          <CopyField label="New token" value={issued.token} />
          <button type="button" onClick={() => setIssued(null)}>
            I have copied it
          </button>
        </div>
      )}
      {tokens.isPending && <p className="loading">Loading…</p>}
      {tokens.isError && <p className="error">{describeFailure(tokens.error)}</p>}
      {tokens.data && tokens.data.tokens.length === 0 && <p className="muted">No tokens.</p>}
      {tokens.data && tokens.data.tokens.length > 0 && (
        <table className="report tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.tokens.map((token) => (
              <TokenRow key={token.id} token={token} revoke={calls.revoke} queryKey={queryKey} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TokenRow({ token, revoke, queryKey }: { token: TokenDto; revoke: (id: string) => Promise<unknown>; queryKey: string[] }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revocation = useMutation({
    mutationFn: () => revoke(token.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey }),
  });
  const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= Date.now();
  return (
    <tr>
      <td>{token.name}</td>
      <td className="mono">{token.prefix ? `${token.prefix}…` : '—'}</td>
      <td>
        <span title={formatExact(token.createdAt)}>{formatExact(token.createdAt)}</span>
      </td>
      <td>{token.lastUsedAt ? <Time value={token.lastUsedAt} /> : <span className="muted">Never</span>}</td>
      <td>{token.expiresAt ? <span className={expired ? 'error' : undefined}>{expired ? `Expired ${formatExact(token.expiresAt)}` : formatExact(token.expiresAt)}</span> : <span className="muted">Never</span>}</td>
      <td>
        {!confirming ? (
          <button type="button" onClick={() => setConfirming(true)}>
            {`Revoke ${token.name}`}
          </button>
        ) : (
          <span className="confirm" role="group" aria-label={`Confirm revoking ${token.name}`}>
            <span>Revoke? It is refused from the next request on.</span>
            <button type="button" className="danger" disabled={revocation.isPending} onClick={() => revocation.mutate()}>
              Yes, revoke
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
        {revocation.isError && (
          <span className="field-error" role="alert">
            {describeFailure(revocation.error)}
          </span>
        )}
      </td>
    </tr>
  );
}
