import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../../libs/config/config.js';
import type { ProfileFigures } from '../../../libs/domain/predictive-analytics/index.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import type { PredictionRefitReport } from '../../../libs/temporal/contracts/predictive-analytics.js';
import { predictionRefitWorkflowId, WORKFLOW_TYPES } from '../../../libs/temporal/workflow-ids.js';
import { withinTimeout } from '../common/within-timeout.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';

/** The account's model as last fitted, or why it does not qualify; `status: 'not_fitted'` before the first refit. */
export interface PredictionModelView {
  status: 'qualifies' | 'does_not_qualify' | 'not_fitted';
  reasons: string[];
  fittedAt: string | null;
  /** BG/NBD (r, alpha, a, b; time in days) and Gamma-Gamma (p, q, gamma) parameters of the fit. */
  parameters: Record<string, unknown> | null;
  customers: number;
  orders: number;
}

export interface ProfilePredictionsView {
  model: PredictionModelView;
  /** The profile's figures from that fit; null when the account does not qualify or the profile has no orders. */
  figures: Omit<ProfileFigures, 'profileId'> | null;
}

interface ModelRow {
  fitted_at: Date;
  qualifies: boolean;
  reasons: string[];
  parameters: Record<string, unknown> | null;
  customers: number;
  orders: number;
}

/** Predictive analytics as stored by the refit workflow (SPEC §6), and the refit on demand. */
@Injectable()
export class PredictionsService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async model(accountId: string): Promise<PredictionModelView> {
    const [row] = await this.orm.em.fork().execute<ModelRow[]>('SELECT * FROM prediction_models WHERE account_id = ?', [accountId]);
    if (!row) {
      return { status: 'not_fitted', reasons: ['the models have not been fitted yet: they are refitted every night, or now with POST /predictive-analytics/refit'], fittedAt: null, parameters: null, customers: 0, orders: 0 };
    }
    return {
      status: row.qualifies ? 'qualifies' : 'does_not_qualify',
      reasons: row.reasons,
      fittedAt: new Date(row.fitted_at).toISOString(),
      parameters: row.parameters,
      customers: row.customers,
      orders: row.orders,
    };
  }

  /** `profileId` must be a surviving profile of the account. */
  async ofProfile(accountId: string, profileId: string): Promise<ProfilePredictionsView> {
    const model = await this.model(accountId);
    const [row] = await this.orm.em.fork().execute<{ figures: ProfileFigures }[]>(
      'SELECT figures FROM profile_predictions WHERE account_id = ? AND profile_id = ?',
      [accountId, profileId],
    );
    if (!row || model.status !== 'qualifies') return { model, figures: null };
    return { model, figures: withoutProfileId(row.figures) };
  }

  /** Starts the account's refit (or joins the running one) and waits for it within the API's budget. */
  async refit(accountId: string): Promise<{ status: 'finished'; report: PredictionRefitReport } | { status: 'running'; workflowId: string }> {
    const workflowId = predictionRefitWorkflowId(accountId);
    const handle = await this.temporal.workflow.start(WORKFLOW_TYPES.predictionRefit, {
      workflowId,
      taskQueue: this.config.temporal.taskQueue,
      args: [{ accountId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    const report = await withinTimeout(handle.result() as Promise<PredictionRefitReport>, this.config.workflowUpdateTimeoutMs);
    return report ? { status: 'finished', report } : { status: 'running', workflowId };
  }
}

function withoutProfileId(figures: ProfileFigures): Omit<ProfileFigures, 'profileId'> {
  const copy: Partial<ProfileFigures> = { ...figures };
  delete copy.profileId;
  return copy as Omit<ProfileFigures, 'profileId'>;
}
