import { useQueryClient } from '@tanstack/react-query';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

const draftOf = (settings: Schemas['AccountSettingsDto']) => ({ unreadNotificationEnabled: settings.unreadNotificationEnabled });

/** General: the unread notification (the red badge) for the whole account. */
export function GeneralSettings() {
  const queryClient = useQueryClient();
  const editable = canManageAccount(useMe().user.role);
  const { settings, save, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'general'],
    load: () => unwrap(api.GET('/settings')),
    save: async (body: Schemas['AccountSettingsPatch']) => {
      const saved = await unwrap(api.PATCH('/settings', { body }));
      void queryClient.invalidateQueries({ queryKey: ['unread'] });
      return saved;
    },
    draftOf,
  });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError || !value) return <p className="error">{describeFailure(settings.error)}</p>;
  return (
    <form
      className="card settings-form"
      aria-label="General settings"
      ref={formRef}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(value);
      }}
    >
      {!editable && <ReadOnlyNote what="the general settings" />}
      <label className="chip">
        <input type="checkbox" checked={value.unreadNotificationEnabled} disabled={!editable} onChange={(event) => edit({ unreadNotificationEnabled: event.target.checked })} />
        Show agents the unread badge
      </label>
      <FieldError error={error} field="unreadNotificationEnabled" />
      <FormError error={error} fields={['unreadNotificationEnabled']} />
      {editable && <SaveActions saving={save.isPending} saved={save.isSuccess} />}
    </form>
  );
}
