import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadGatewayResponse, ApiBadRequestResponse, ApiConflictResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { OrdersService } from './orders.service.js';
import {
  OperationAcceptedDto,
  OrderCancelBody,
  OrderDto,
  OrderEditBody,
  OrderEditResultDto,
  OrderOperationDto,
  OrderPageDto,
  OrderPageQuery,
  SyncAcceptedDto,
} from './shopify.dto.js';

/** A profile's Shopify orders, and its backfill. */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('profiles')
export class ProfileOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':profileId/orders')
  @ApiOperation({ summary: "The profile's Shopify orders, newest first (cursor paging)" })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  list(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string, @Query() query: OrderPageQuery): Promise<OrderPageDto> {
    return this.orders.listForProfile(principal.accountId, profileId, query);
  }

  @Post(':profileId/orders/sync')
  @HttpCode(202)
  @ApiOperation({ summary: "Backfill the profile's orders from Shopify (a workflow; a second request joins the running one)" })
  @ApiAcceptedResponse({ type: SyncAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'shopify_not_connected: the account has no Shopify shop (PUT /settings/shopify)' })
  async sync(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string): Promise<SyncAcceptedDto> {
    return { workflowId: await this.orders.startSync(principal, profileId) };
  }
}

/** One order, and the edits and cancels agents make to it. `:orderId` is Shopify's gid (URL-encoded) or its numeric id. */
@ApiTags('orders')
@ApiBearerAuth()
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'A stored order; the id is gid://shopify/Order/<n> (URL-encoded) or <n>' })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('orderId') orderId: string): Promise<OrderDto> {
    return this.orders.get(principal.accountId, orderId);
  }

  @Post('orders/:orderId/edits')
  @ApiOperation({ summary: 'Change quantities of unfulfilled line items (0 removes one); waits for Shopify up to the update timeout' })
  @ApiOkResponse({ type: OrderEditResultDto })
  @ApiAcceptedResponse({ type: OperationAcceptedDto, description: 'Still running: follow GET /order-operations/:operationId' })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: "shopify_refused: Shopify's userErrors" })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'shopify_not_connected: the account has no Shopify shop' })
  @ApiBadGatewayResponse({ type: ApiErrorBody, description: 'shopify_failed: Shopify could not be used (token revoked, or unreachable for the whole retry budget); nothing was changed unless GET /order-operations says so' })
  async edit(
    @CurrentPrincipal() principal: AgentPrincipal,
    @Param('orderId') orderId: string,
    @Body() body: OrderEditBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderEditResultDto | OperationAcceptedDto> {
    const outcome = await this.orders.edit(principal, orderId, body);
    if (outcome.kind === 'running') {
      response.status(202);
      return { operationId: outcome.operationId };
    }
    response.status(200);
    return { operationId: outcome.result.operationId, status: outcome.result.status, message: outcome.result.message, order: outcome.order };
  }

  @Post('orders/:orderId/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel the order at Shopify (a workflow: follow GET /order-operations/:operationId)' })
  @ApiAcceptedResponse({ type: OperationAcceptedDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'order_cancelled: the order is cancelled already; shopify_not_connected: no shop' })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  async cancel(@CurrentPrincipal() principal: AgentPrincipal, @Param('orderId') orderId: string, @Body() body: OrderCancelBody): Promise<OperationAcceptedDto> {
    return { operationId: await this.orders.cancel(principal, orderId, body) };
  }

  @Get('order-operations/:operationId')
  @ApiOperation({ summary: 'An order edit or cancel: its status and Shopify\'s result' })
  @ApiOkResponse({ type: OrderOperationDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  operation(@CurrentPrincipal() principal: AgentPrincipal, @Param('operationId') operationId: string): Promise<OrderOperationDto> {
    return this.orders.operation(principal.accountId, operationId);
  }
}
