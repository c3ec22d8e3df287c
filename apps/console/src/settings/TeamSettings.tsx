import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { formatExact, Time } from '../common/time';
import { canManageAccount, normalFailure, ReadOnlyNote } from './shared';

type TeamUser = Schemas['TeamUserDto'];
type Role = TeamUser['role'];

const ROLES: { value: Role; label: string }[] = [
  { value: 'owner', label: 'Owner' },
  { value: 'admin', label: 'Admin' },
  { value: 'manager', label: 'Manager' },
  { value: 'support', label: 'Support' },
  { value: 'analyst', label: 'Analyst' },
  { value: 'content_creator', label: 'Content creator' },
];

const roleLabel = (role: Role) => ROLES.find((entry) => entry.value === role)?.label ?? role;

/** Team: who has access, with what role; owners and admins invite, change roles and deactivate. */
export function TeamSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  const users = useQuery({ queryKey: ['settings', 'team'], queryFn: () => unwrap(api.GET('/users')) });
  return (
    <div className="settings-stack">
      {!editable && <ReadOnlyNote what="the team" />}
      {editable && <InviteForm />}
      <section className="card" aria-labelledby="team-title">
        <h2 id="team-title">Team</h2>
        {users.isPending && <p className="loading">Loading…</p>}
        {users.isError && <p className="error">{describeFailure(users.error)}</p>}
        {users.data && (
          <table className="report team">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last active</th>
                {editable && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((user) => (
                <TeamRow key={user.id} user={user} editable={editable} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function TeamRow({ user, editable }: { user: TeamUser; editable: boolean }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['settings', 'team'] });
  const changeRole = useMutation({
    mutationFn: (role: Role) => unwrap(api.PATCH('/users/{id}', { params: { path: { id: user.id } }, body: { role } })),
    onSuccess: () => refresh(),
  });
  const deactivate = useMutation({
    mutationFn: () => unwrap(api.POST('/users/{id}/deactivate', { params: { path: { id: user.id } } })),
    onSuccess: () => {
      setConfirming(false);
      return refresh();
    },
  });
  const active = user.status === 'active';
  // Only an owner may promote to or demote from owner.
  const mayChangeRole = editable && active && (me.user.role === 'owner' || user.role !== 'owner');
  const roleChoices = ROLES.filter((role) => me.user.role === 'owner' || role.value !== 'owner' || role.value === user.role);
  const isMe = user.id === me.user.id;
  return (
    <tr className={active ? undefined : 'deactivated'}>
      <td>
        {user.name}
        {isMe && <span className="muted"> (you)</span>}
      </td>
      <td>{user.email}</td>
      <td>
        {mayChangeRole ? (
          <>
            <select aria-label={`Role of ${user.name}`} value={changeRole.isPending ? changeRole.variables : user.role} disabled={changeRole.isPending} onChange={(event) => changeRole.mutate(event.target.value as Role)}>
              {roleChoices.map((role) => (
                <option key={role.value} value={role.value}>
                  {role.label}
                </option>
              ))}
            </select>
            {changeRole.isError && (
              <span className="field-error" role="alert">
                {describeFailure(changeRole.error)}
              </span>
            )}
          </>
        ) : (
          roleLabel(user.role)
        )}
      </td>
      <td>
        <span className={`status status-${active ? 'open' : 'closed'}`}>{active ? 'Active' : 'Deactivated'}</span>
      </td>
      <td>{user.lastActiveAt ? <Time value={user.lastActiveAt} /> : <span className="muted">Never</span>}</td>
      {editable && (
        <td>
          {active && !isMe && (me.user.role === 'owner' || user.role !== 'owner') && !confirming && (
            <button type="button" onClick={() => setConfirming(true)}>
              {`Deactivate ${user.name}`}
            </button>
          )}
          {confirming && (
            <div className="confirm" role="group" aria-label={`Confirm deactivating ${user.name}`}>
              <span>Deactivate {user.name}? Their sessions end and their tokens are revoked at once; their tickets stay assigned.</span>
              <button type="button" className="danger" disabled={deactivate.isPending} onClick={() => deactivate.mutate()}>
                Yes, deactivate
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          )}
          {deactivate.isError && (
            <span className="field-error" role="alert">
              {describeFailure(deactivate.error)}
            </span>
          )}
        </td>
      )}
    </tr>
  );
}

function InviteForm() {
  const me = useMe();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('support');
  const invite = useMutation({
    mutationFn: (body: Schemas['InvitationBody']) => unwrap(api.POST('/users/invitations', { body })),
    onSuccess: () => setEmail(''),
  });
  const error = normalFailure(invite.error);
  const choices = ROLES.filter((entry) => me.user.role === 'owner' || entry.value !== 'owner');
  return (
    <form
      className="card settings-form"
      aria-label="Invite a teammate"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        invite.mutate({ email: email.trim(), role });
      }}
    >
      <h2>Invite a teammate</h2>
      <div className="inline-fields">
        <label>
          Email address
          <input
            type="email"
            value={email}
            onChange={(event) => {
              if (invite.isSuccess) invite.reset();
              setEmail(event.target.value);
            }}
          />
          <FieldError error={error} field="email" />
        </label>
        <label>
          Role
          <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {choices.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
          <FieldError error={error} field="role" />
        </label>
        <button type="submit" className="primary" disabled={invite.isPending}>
          {invite.isPending ? 'Sending…' : 'Send invitation'}
        </button>
      </div>
      <FormError error={error} fields={['email', 'role']} />
      {invite.isSuccess && (
        <p role="status" className="saved">
          Invitation sent to {invite.data.email} as {roleLabel(invite.data.role)}; the link works once, until {formatExact(invite.data.expiresAt)}.
        </p>
      )}
    </form>
  );
}
