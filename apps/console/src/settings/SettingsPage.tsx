import { hrefOf, type Route, type SettingsSection } from '../app/router';
import { CalendarsSettings } from './CalendarsSettings';
import { CsatSettings } from './CsatSettings';
import { EmailSettings } from './EmailSettings';
import { GeneralSettings } from './GeneralSettings';
import { MacrosSettings } from './MacrosSettings';
import { ShopifySettings } from './ShopifySettings';
import { SlaPoliciesSettings } from './SlaPoliciesSettings';
import { SmsSettings } from './SmsSettings';
import { TeamSettings } from './TeamSettings';
import { TeamsSettings } from './TeamsSettings';
import { TokensSettings } from './TokensSettings';
import { WebChatSettings } from './WebChatSettings';

const SECTIONS: { id: SettingsSection; label: string }[] = [
  { id: 'general', label: 'General' },
  { id: 'email', label: 'Email' },
  { id: 'sms', label: 'SMS' },
  { id: 'web-chat', label: 'Web chat' },
  { id: 'shopify', label: 'Shopify' },
  { id: 'team', label: 'Team' },
  { id: 'teams', label: 'Teams' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'calendars', label: 'Business hours' },
  { id: 'sla', label: 'SLA policies' },
  { id: 'csat', label: 'Satisfaction (CSAT)' },
  { id: 'macros', label: 'Macros' },
];

export function SettingsPage({ section }: { section: SettingsSection; navigate: (route: Route) => void }) {
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <nav aria-label="Settings sections" className="tabs">
        {SECTIONS.map((entry) => (
          <a key={entry.id} href={hrefOf({ page: 'settings', section: entry.id })} aria-current={entry.id === section ? 'page' : undefined}>
            {entry.label}
          </a>
        ))}
      </nav>
      {section === 'general' && <GeneralSettings />}
      {section === 'email' && <EmailSettings />}
      {section === 'sms' && <SmsSettings />}
      {section === 'web-chat' && <WebChatSettings />}
      {section === 'shopify' && <ShopifySettings />}
      {section === 'team' && <TeamSettings />}
      {section === 'teams' && <TeamsSettings />}
      {section === 'tokens' && <TokensSettings />}
      {section === 'calendars' && <CalendarsSettings />}
      {section === 'sla' && <SlaPoliciesSettings />}
      {section === 'csat' && <CsatSettings />}
      {section === 'macros' && <MacrosSettings />}
    </section>
  );
}
