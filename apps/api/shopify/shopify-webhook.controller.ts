import { Controller, HttpCode, HttpStatus, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AppConfig } from '../../../libs/config/config.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { secretBoxFrom, SecretBoxError } from '../../../libs/secrets/secret-box.js';
import { storeShopifyOrder } from '../../../libs/shopify/order-store.js';
import { isOrderWebhookTopic, orderFromWebhook, ShopifyPayloadError } from '../../../libs/shopify/orders.js';
import { findShopifyCredentials, type ShopifyCredentials } from '../../../libs/shopify/shopify-connections.js';
import { verifyShopifyWebhook } from '../../../libs/shopify/webhook-signature.js';
import { Public } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, ORM } from '../tokens.js';

type RawRequest = Request & { rawBody?: Buffer };

const unauthorized = (message: string) => new ApiError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);

/**
 * Shopify's order webhooks for one account. Each delivery is signed with the app's secret over the raw body
 * (X-Shopify-Hmac-Sha256); unsigned, wrongly signed or another shop's deliveries are refused with 401 before
 * anything is stored. Shopify retries deliveries, so X-Shopify-Webhook-Id is remembered and a repeat changes nothing.
 */
@ApiExcludeController()
@Controller('webhooks/shopify')
export class ShopifyWebhookController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
  ) {}

  @Post(':accountId')
  @Public()
  @HttpCode(200)
  async receive(@Param('accountId') accountId: string, @Req() request: RawRequest): Promise<{ status: 'stored' | 'stale' | 'duplicate' | 'ignored' }> {
    await this.authenticate(accountId, request);
    const topic = request.header('x-shopify-topic') ?? '';
    const webhookId = request.header('x-shopify-webhook-id') ?? null;
    const em = this.orm.em.fork();
    if (webhookId) {
      const seen = await em.execute('SELECT 1 FROM shopify_webhook_deliveries WHERE account_id = ? AND webhook_id = ?', [accountId, webhookId]);
      if (seen.length > 0) return { status: 'duplicate' };
    }
    let status: 'stored' | 'stale' | 'ignored' = 'ignored';
    if (isOrderWebhookTopic(topic)) {
      let parsed: ReturnType<typeof orderFromWebhook>;
      try {
        parsed = orderFromWebhook(JSON.parse(request.rawBody!.toString('utf8')));
      } catch (error) {
        if (error instanceof ShopifyPayloadError || error instanceof SyntaxError) throw ApiError.badRequest(`not a Shopify order: ${error.message}`);
        throw error;
      }
      const { stored } = await storeShopifyOrder(this.orm, accountId, parsed.order, parsed.customer);
      status = stored ? 'stored' : 'stale';
    }
    // Recorded after the order is stored: a delivery that failed half-way is processed again when Shopify retries it.
    if (webhookId) {
      await em.execute('INSERT INTO shopify_webhook_deliveries (account_id, webhook_id, topic) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [accountId, webhookId, topic.slice(0, 100)]);
    }
    return { status };
  }

  private async authenticate(accountId: string, request: RawRequest): Promise<ShopifyCredentials> {
    let credentials: ShopifyCredentials | null;
    try {
      credentials = await findShopifyCredentials(this.orm, secretBoxFrom(this.config), accountId);
    } catch (error) {
      if (error instanceof SecretBoxError) throw ApiError.unavailable(`cannot check the signature: ${error.message}`);
      throw error;
    }
    const rawBody = request.rawBody ?? Buffer.alloc(0);
    if (!credentials || !verifyShopifyWebhook(rawBody, request.header('x-shopify-hmac-sha256'), credentials.webhookSecret)) {
      throw unauthorized('the X-Shopify-Hmac-Sha256 does not match this request');
    }
    if ((request.header('x-shopify-shop-domain') ?? '').trim().toLowerCase() !== credentials.shopDomain) {
      throw unauthorized('X-Shopify-Shop-Domain is not the shop connected to this account');
    }
    return credentials;
  }
}
