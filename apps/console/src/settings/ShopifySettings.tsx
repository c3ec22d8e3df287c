import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, CopyField, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

const FIELDS = ['shopDomain', 'accessToken', 'webhookSecret', 'apiVersion'];
/** The secrets are never shown back: each connection starts without them. */
const draftOf = (connection: Schemas['ShopifyConnectionDto']): Schemas['ShopifyConnectionBody'] => ({
  shopDomain: connection.shopDomain ?? '',
  accessToken: '',
  webhookSecret: '',
  apiVersion: '',
});

/** Shopify: the shop whose orders agents see beside tickets; its secrets are sent, never shown back. */
export function ShopifySettings() {
  const queryClient = useQueryClient();
  const editable = canManageAccount(useMe().user.role);
  const { settings: connection, save: connect, value: draft, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'shopify'],
    load: () => unwrap(api.GET('/settings/shopify')),
    save: (body: Schemas['ShopifyConnectionBody']) => unwrap(api.PUT('/settings/shopify', { body: { ...body, apiVersion: body.apiVersion?.trim() || undefined } })),
    draftOf,
  });
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const disconnect = useMutation({
    mutationFn: () => unwrap(api.DELETE('/settings/shopify')),
    onSuccess: () => {
      setConfirmDisconnect(false);
      void queryClient.invalidateQueries({ queryKey: ['settings', 'shopify'] });
    },
  });
  if (connection.isPending) return <p className="loading">Loading…</p>;
  if (connection.isError || !draft) return <p className="error">{describeFailure(connection.error)}</p>;
  const { connected, shopDomain, apiVersion, webhookUrl } = connection.data;

  return (
    <div className="settings-stack">
      <section className="card settings-form" aria-labelledby="shopify-status">
        <h2 id="shopify-status">Shopify</h2>
        <p role="status">{connected ? `Connected to ${shopDomain} (Admin API ${apiVersion}).` : 'No shop connected: orders do not show beside tickets.'}</p>
        <CopyField label="Webhook URL" value={webhookUrl} />
        <p className="muted">In the shop's custom app, subscribe orders/create, orders/updated and orders/cancelled (JSON) to this URL.</p>
        {connected && editable && (
          <div>
            {confirmDisconnect ? (
              <>
                <span>Disconnect {shopDomain}? Stored orders stay; its webhooks are refused from then on. </span>
                <button className="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
                  Yes, disconnect
                </button>{' '}
                <button onClick={() => setConfirmDisconnect(false)}>Cancel</button>
              </>
            ) : (
              <button onClick={() => setConfirmDisconnect(true)}>Disconnect the shop</button>
            )}
            {disconnect.isError && <p role="alert" className="error">{describeFailure(disconnect.error)}</p>}
          </div>
        )}
      </section>
      {editable ? (
        <form
          className="card settings-form"
          aria-label="Connect a Shopify shop"
          ref={formRef}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            connect.mutate(draft);
          }}
        >
          <h2>{connected ? 'Connect again (new token or another shop)' : 'Connect a shop'}</h2>
          <label>
            Shop domain
            <input value={draft.shopDomain} placeholder="my-shop.myshopify.com" onChange={(event) => edit({ shopDomain: event.target.value })} />
            <FieldError error={error} field="shopDomain" />
          </label>
          <label>
            Admin API access token
            <input type="password" autoComplete="off" value={draft.accessToken} placeholder="shpat_…" onChange={(event) => edit({ accessToken: event.target.value })} />
            <FieldError error={error} field="accessToken" />
          </label>
          <label>
            Webhook secret (the app's client secret)
            <input type="password" autoComplete="off" value={draft.webhookSecret} onChange={(event) => edit({ webhookSecret: event.target.value })} />
            <FieldError error={error} field="webhookSecret" />
          </label>
          <label>
            Admin API version (optional)
            <input value={draft.apiVersion ?? ''} placeholder="2026-10" onChange={(event) => edit({ apiVersion: event.target.value })} />
            <FieldError error={error} field="apiVersion" />
          </label>
          <FormError error={error} fields={FIELDS} />
          <SaveActions saving={connect.isPending} saved={connect.isSuccess} label="Connect" busyLabel="Connecting…" />
        </form>
      ) : (
        <ReadOnlyNote what="the Shopify connection" />
      )}
    </div>
  );
}
