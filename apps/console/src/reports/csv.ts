import type { Schemas } from '../api/client';

export type Cell = string | number | null;
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => Cell;
}

/**
 * A spreadsheet formula in a text cell (=, +, -, @, tab, CR at the start) would run when the file is opened in
 * Excel or Sheets: such text cells get a leading apostrophe (OWASP's advice). Numbers are written as they are.
 */
const FORMULA = /^[=+\-@\t\r]/;

/** One field by RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and one record per row, CRLF line ends (RFC 4180). */
export function toCsv<Row>(columns: CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((column) => csvField(column.header)), ...rows.map((row) => columns.map((column) => csvField(column.value(row))))];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file through a Blob URL (nothing leaves the browser). */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; revoking it on the next task keeps it from leaking.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

type Agent = Schemas['AgentReportDto'];
type Tag = Schemas['TagReportDto'];

/** The options of the tables' files: with a business-hours calendar, its figures come after the clock-time ones. */
export interface TimeColumnsOptions {
  business?: boolean;
}

/** The per-agent figures exactly as GET /reports/summary gave them (seconds unrounded, null as an empty cell). */
export function agentColumns(agentName: (agent: Agent) => string, { business = false }: TimeColumnsOptions = {}): CsvColumn<Agent>[] {
  const businessColumns: CsvColumn<Agent>[] = [
    { header: 'Median first response, business hours (seconds)', value: (agent) => agent.firstResponse.businessMedianSeconds },
    { header: 'Average first response, business hours (seconds)', value: (agent) => agent.firstResponse.businessAverageSeconds },
    { header: 'Median resolution, business hours (seconds)', value: (agent) => agent.resolution.businessMedianSeconds },
    { header: 'Average resolution, business hours (seconds)', value: (agent) => agent.resolution.businessAverageSeconds },
  ];
  return [
    { header: 'Agent', value: agentName },
    { header: 'User ID', value: (agent) => agent.userId },
    { header: 'First responses (tickets)', value: (agent) => agent.firstResponse.answered },
    { header: 'Median first response (seconds)', value: (agent) => agent.firstResponse.medianSeconds },
    { header: 'Average first response (seconds)', value: (agent) => agent.firstResponse.averageSeconds },
    { header: 'Resolved (tickets)', value: (agent) => agent.resolution.resolved },
    { header: 'Median resolution (seconds)', value: (agent) => agent.resolution.medianSeconds },
    { header: 'Average resolution (seconds)', value: (agent) => agent.resolution.averageSeconds },
    ...(business ? businessColumns : []),
  ];
}

const REASON_HEADERS: Record<string, string> = { inbound_message: 'Reopens by customer message', agent: 'Reopens by agent' };

/** The per-tag figures as the API gave them; one reopen column per reason the answer holds. */
export function tagColumns(tags: readonly Tag[], { business = false }: TimeColumnsOptions = {}): CsvColumn<Tag>[] {
  const reasons = [...new Set(['inbound_message', 'agent', ...tags.flatMap((tag) => Object.keys(tag.reopens.byReason))])];
  return [
    { header: 'Tag', value: (tag) => tag.tag },
    { header: 'Tickets', value: (tag) => tag.ticketVolume },
    { header: 'Answered (tickets)', value: (tag) => tag.firstResponse.answered },
    { header: 'Unanswered (tickets)', value: (tag) => tag.firstResponse.unanswered },
    { header: 'Median first response (seconds)', value: (tag) => tag.firstResponse.medianSeconds },
    { header: 'Average first response (seconds)', value: (tag) => tag.firstResponse.averageSeconds },
    { header: 'Resolved (tickets)', value: (tag) => tag.resolution.resolved },
    { header: 'Unresolved (tickets)', value: (tag) => tag.resolution.unresolved },
    { header: 'Median resolution (seconds)', value: (tag) => tag.resolution.medianSeconds },
    { header: 'Average resolution (seconds)', value: (tag) => tag.resolution.averageSeconds },
    { header: 'Reopens', value: (tag) => tag.reopens.total },
    ...reasons.map((reason) => ({ header: REASON_HEADERS[reason] ?? `Reopens (${reason})`, value: (tag: Tag) => tag.reopens.byReason[reason] ?? 0 })),
    ...(business
      ? [
          { header: 'Median first response, business hours (seconds)', value: (tag: Tag) => tag.firstResponse.businessMedianSeconds },
          { header: 'Average first response, business hours (seconds)', value: (tag: Tag) => tag.firstResponse.businessAverageSeconds },
          { header: 'Median resolution, business hours (seconds)', value: (tag: Tag) => tag.resolution.businessMedianSeconds },
          { header: 'Average resolution, business hours (seconds)', value: (tag: Tag) => tag.resolution.businessAverageSeconds },
        ]
      : []),
  ];
}

type SlaCounts = Schemas['SlaAchievementDto'];

/** An SLA table's file: the columns naming the row, then its counts and its achievement rate as a fraction (unrounded). */
export function slaColumns<Row extends SlaCounts>(rowColumns: CsvColumn<Row>[]): CsvColumn<Row>[] {
  return [
    ...rowColumns,
    { header: 'Hit (targets)', value: (row) => row.hit },
    { header: 'Missed (targets)', value: (row) => row.missed },
    { header: 'Pending (targets)', value: (row) => row.pending },
    { header: 'Achievement rate (hit / (hit + missed))', value: (row) => row.achievementRate },
  ];
}
