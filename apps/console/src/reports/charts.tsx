import type { ReactNode } from 'react';
import { durationUnit, niceTicks, type DurationUnit } from './format';

/** One bucket of a chart: where it sits on the time axis, its value (null: nothing to measure) and its hover text. */
export interface ChartPoint {
  key: string;
  /** Short label for the time axis, e.g. "6 Jan" */
  axisLabel: string;
  value: number | null;
  /** Hover text (an SVG <title>) */
  title: string;
}

interface ChartProps {
  /** Heading above the chart */
  heading: string;
  /** The SVG's accessible name: what the chart shows, summarised */
  summary: string;
  points: ChartPoint[];
  /** Time-axis title, e.g. "Day" or "Week starting" */
  xAxis: string;
}

const WIDTH = 420;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 44, left: 52 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const BOTTOM = MARGIN.top + PLOT_HEIGHT;
/** At most this many date labels under the axis; the others are in the hover text. */
const MAX_X_LABELS = 7;

const slotWidth = (count: number) => PLOT_WIDTH / Math.max(count, 1);
const centre = (index: number, count: number) => MARGIN.left + (index + 0.5) * slotWidth(count);

function Frame({ heading, summary, points, xAxis, yAxis, ticks, tickLabel, children }: ChartProps & { yAxis: string; ticks: number[]; tickLabel: (tick: number) => string; children: ReactNode }) {
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (value: number) => BOTTOM - (value / top) * PLOT_HEIGHT;
  const every = Math.ceil(points.length / MAX_X_LABELS);
  return (
    <figure className="chart">
      <figcaption>
        <h3>{heading}</h3>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <g className="axis y-axis">
          {ticks.map((tick) => (
            <g key={tick}>
              <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
              <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
                {tickLabel(tick)}
              </text>
            </g>
          ))}
          <text className="axis-title" transform={`translate(12 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)`} textAnchor="middle">
            {yAxis}
          </text>
        </g>
        <g className="axis x-axis">
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={BOTTOM} y2={BOTTOM} />
          {points.map((point, index) =>
            index % every === 0 ? (
              <text key={point.key} x={centre(index, points.length)} y={BOTTOM + 14} textAnchor="middle">
                {point.axisLabel}
              </text>
            ) : null,
          )}
          <text className="axis-title" x={MARGIN.left + PLOT_WIDTH / 2} y={HEIGHT - 6} textAnchor="middle">
            {xAxis}
          </text>
        </g>
        {children}
      </svg>
    </figure>
  );
}

/** Counts per bucket as bars, one <g class="bar"> per bucket (empty buckets too), hover text on the whole column. */
export function BarChart(props: ChartProps & { yAxis: string }) {
  const { points } = props;
  const max = Math.max(0, ...points.map((point) => point.value ?? 0));
  const ticks = niceTicks(max, { integers: true });
  const top = ticks[ticks.length - 1]!;
  const slot = slotWidth(points.length);
  const barWidth = Math.max(1, slot * 0.72);
  return (
    <Frame {...props} ticks={ticks} tickLabel={String}>
      <g className="bars">
        {points.map((point, index) => {
          const height = ((point.value ?? 0) / top) * PLOT_HEIGHT;
          const x = MARGIN.left + index * slot;
          return (
            <g key={point.key} className="bar" data-value={point.value ?? ''}>
              <title>{point.title}</title>
              <rect className="hit" x={x} y={MARGIN.top} width={slot} height={PLOT_HEIGHT} />
              <rect className="fill" x={x + (slot - barWidth) / 2} y={BOTTOM - height} width={barWidth} height={height} />
            </g>
          );
        })}
      </g>
    </Frame>
  );
}

/**
 * Durations (seconds) per bucket as a line, in the unit that suits the largest value; a bucket without a value
 * breaks the line (a gap, not a zero). One <circle class="point"> per bucket with a value.
 */
export function DurationLineChart(props: ChartProps & { yAxis: string; tone: 'first-response' | 'resolution' }) {
  const { points, tone } = props;
  const values = points.map((point) => point.value).filter((value): value is number => value !== null);
  const unit: DurationUnit = durationUnit(Math.max(0, ...values));
  const ticks = niceTicks(Math.max(0, ...values) / unit.seconds);
  const top = ticks[ticks.length - 1]!;
  const y = (seconds: number) => BOTTOM - (seconds / unit.seconds / top) * PLOT_HEIGHT;
  const runs: { index: number; value: number }[][] = [];
  let run: { index: number; value: number }[] = [];
  points.forEach((point, index) => {
    if (point.value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ index, value: point.value });
  });
  if (run.length) runs.push(run);
  const radius = points.length > 60 ? 2 : 3;
  return (
    <Frame {...props} yAxis={`${props.yAxis} (${unit.name})`} ticks={ticks} tickLabel={(tick) => `${Number(tick.toPrecision(3))}`}>
      <g className={`series ${tone}`}>
        {runs
          .filter((segment) => segment.length > 1)
          .map((segment) => (
            <path
              key={segment[0]!.index}
              className="line"
              d={segment.map((point, i) => `${i === 0 ? 'M' : 'L'}${centre(point.index, points.length).toFixed(1)} ${y(point.value).toFixed(1)}`).join(' ')}
            />
          ))}
        {points.map((point, index) =>
          point.value === null ? null : (
            <g key={point.key} className="point">
              <title>{point.title}</title>
              <circle cx={centre(index, points.length)} cy={y(point.value)} r={radius} />
              <circle className="hit" cx={centre(index, points.length)} cy={y(point.value)} r={Math.max(radius * 2, 6)} />
            </g>
          ),
        )}
      </g>
    </Frame>
  );
}
