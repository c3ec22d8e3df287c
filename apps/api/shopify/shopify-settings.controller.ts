import { Body, Controller, Delete, Get, Inject, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { AppConfig } from '../../../libs/config/config.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { secretBoxFrom, SecretBoxError, type SecretBox } from '../../../libs/secrets/secret-box.js';
import { SHOPIFY_DEFAULT_API_VERSION } from '../../../libs/shopify/shopify-admin.js';
import { deleteShopifyConnection, findShopifyConnection, saveShopifyConnection, shopifyWebhookPath } from '../../../libs/shopify/shopify-connections.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { APP_CONFIG, ORM } from '../tokens.js';
import { ShopifyConnectionBody, ShopifyConnectionDto } from './shopify.dto.js';

/** Only the permanent domain: the access token is only ever sent there. */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** SPEC §6: the account's Shopify shop (owners and admins connect it). The token and secret are stored sealed and never shown. */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings/shopify')
export class ShopifySettingsController {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The connected shop and the webhook URL to register at Shopify (secrets are never shown)' })
  @ApiOkResponse({ type: ShopifyConnectionDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<ShopifyConnectionDto> {
    const connection = await findShopifyConnection(this.orm, principal.accountId);
    return this.dto(principal.accountId, connection?.shopDomain ?? null, connection?.apiVersion ?? null);
  }

  @Put()
  @ApiOperation({ summary: 'Connect a shop: its domain, Admin API access token and webhook secret' })
  @ApiOkResponse({ type: ShopifyConnectionDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  async connect(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: ShopifyConnectionBody): Promise<ShopifyConnectionDto> {
    requireAccountManager(principal, 'change account settings');
    const shopDomain = body.shopDomain.trim().toLowerCase();
    if (!SHOP_DOMAIN.test(shopDomain)) throw ApiError.badRequest('shopDomain must be the shop\'s <shop>.myshopify.com domain', 'shopDomain');
    const apiVersion = body.apiVersion ?? SHOPIFY_DEFAULT_API_VERSION;
    const before = await findShopifyConnection(this.orm, principal.accountId);
    await saveShopifyConnection(this.orm, this.secrets(), {
      accountId: principal.accountId,
      shopDomain,
      apiVersion,
      accessToken: body.accessToken.trim(),
      webhookSecret: body.webhookSecret.trim(),
    });
    // Secrets always count as changed (they are sealed); the log masks them.
    await this.audit.recordSettingsChange(
      principal.accountId,
      principal.user.id,
      'shopify',
      { shopDomain: before?.shopDomain ?? null, apiVersion: before?.apiVersion ?? null, accessToken: before ? 'previous' : null, webhookSecret: before ? 'previous' : null },
      { shopDomain, apiVersion, accessToken: 'new', webhookSecret: 'new' },
    );
    return this.dto(principal.accountId, shopDomain, apiVersion);
  }

  @Delete()
  @ApiOperation({ summary: 'Disconnect the shop (stored orders stay; webhooks are refused from then on)' })
  @ApiOkResponse({ type: ShopifyConnectionDto })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  async disconnect(@CurrentPrincipal() principal: AgentPrincipal): Promise<ShopifyConnectionDto> {
    requireAccountManager(principal, 'change account settings');
    await deleteShopifyConnection(this.orm, principal.accountId);
    return this.dto(principal.accountId, null, null);
  }

  private secrets(): SecretBox {
    try {
      return secretBoxFrom(this.config);
    } catch (error) {
      if (error instanceof SecretBoxError) throw ApiError.unavailable('the Shopify access token cannot be stored sealed: set SECRETS_KEYRING');
      throw error;
    }
  }

  private dto(accountId: string, shopDomain: string | null, apiVersion: string | null): ShopifyConnectionDto {
    const webhookUrl = `${this.config.publicUrl.replace(/\/+$/, '')}${shopifyWebhookPath(accountId)}`;
    return { connected: shopDomain !== null, shopDomain, apiVersion, webhookUrl };
  }
}

