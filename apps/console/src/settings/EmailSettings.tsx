import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, cleanList, ListEditor, ListFieldError, listFields, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

type EmailSettingsDto = Schemas['EmailSettingsDto'];

interface Draft {
  supportAddresses: string[];
  forwardingAddresses: string[];
  senderName: string;
  signature: string;
}

function draftOf(settings: EmailSettingsDto): Draft {
  return {
    supportAddresses: settings.supportAddresses,
    forwardingAddresses: settings.forwardingAddresses,
    senderName: settings.senderName ?? '',
    signature: settings.signature ?? '',
  };
}

/** Email: the addresses the account receives mail at, and how replies are signed. */
export function EmailSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  const { settings, save, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'email'],
    load: () => unwrap(api.GET('/settings/email')),
    save: (body: Schemas['EmailSettingsPatch']) => unwrap(api.PATCH('/settings/email', { body })),
    draftOf,
  });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError || !value) return <p className="error">{describeFailure(settings.error)}</p>;
  const shown = [
    ...listFields('supportAddresses', value.supportAddresses.length),
    ...listFields('forwardingAddresses', value.forwardingAddresses.length),
    'senderName',
    'signature',
  ];
  return (
    <form
      className="card settings-form"
      aria-label="Email settings"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({
          supportAddresses: cleanList(value.supportAddresses),
          forwardingAddresses: cleanList(value.forwardingAddresses),
          senderName: value.senderName.trim() || null,
          signature: value.signature.trim() || null,
        });
      }}
    >
      {!editable && <ReadOnlyNote what="the email settings" />}
      <fieldset className="plain" disabled={!editable}>
        <ListEditor
          label="Support addresses"
          itemLabel="Support address"
          type="email"
          placeholder="support@example.com"
          values={value.supportAddresses}
          onChange={(supportAddresses) => edit({ supportAddresses })}
          addLabel="Add support address"
        />
        <p className="muted hint">Customers write to these; a reply goes out from the address the customer wrote to (else the first).</p>
        <ListFieldError error={error} field="supportAddresses" count={value.supportAddresses.length} />
        <ListEditor
          label="Forwarding addresses"
          itemLabel="Forwarding address"
          type="email"
          placeholder="help@example.com"
          values={value.forwardingAddresses}
          onChange={(forwardingAddresses) => edit({ forwardingAddresses })}
          addLabel="Add forwarding address"
        />
        <p className="muted hint">Further addresses that forward to the inbox (groups, aliases).</p>
        <ListFieldError error={error} field="forwardingAddresses" count={value.forwardingAddresses.length} />
        <label>
          Sender name
          <input value={value.senderName} maxLength={100} placeholder="Acme Support" onChange={(event) => edit({ senderName: event.target.value })} />
          <FieldError error={error} field="senderName" />
        </label>
        <label>
          Signature
          <textarea rows={4} value={value.signature} maxLength={2000} onChange={(event) => edit({ signature: event.target.value })} />
          <FieldError error={error} field="signature" />
        </label>
      </fieldset>
      <FormError error={error} fields={shown} />
      {editable && (
        <SaveActions saving={save.isPending} saved={save.isSuccess} />
      )}
    </form>
  );
}
