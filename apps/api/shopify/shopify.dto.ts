import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsDateTime } from '../common/date-time.validator.js';
import { Omittable } from '../settings/settings-validation.js';

export const CANCEL_REASONS = ['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF'] as const;

export class ShopifyConnectionBody {
  @ApiProperty({ example: 'my-shop.myshopify.com', description: "The shop's permanent <shop>.myshopify.com domain" }) @IsString() @IsNotEmpty() @MaxLength(255) shopDomain!: string;
  @ApiProperty({ writeOnly: true, description: 'Admin API access token (shpat_…) of the custom app' }) @IsString() @IsNotEmpty() @MaxLength(500) accessToken!: string;
  @ApiProperty({ writeOnly: true, description: "The app's client secret, which signs its webhooks" }) @IsString() @IsNotEmpty() @MaxLength(500) webhookSecret!: string;
  @ApiPropertyOptional({ example: '2026-10', description: 'Admin API version (YYYY-MM); defaults to the version the product is written against' })
  @Omittable()
  @Matches(/^\d{4}-(01|04|07|10)$/, { message: 'apiVersion must be a Shopify API version such as 2026-10' })
  apiVersion?: string;
}

export class ShopifyConnectionDto {
  @ApiProperty() connected!: boolean;
  @ApiProperty({ nullable: true, type: String }) shopDomain!: string | null;
  @ApiProperty({ nullable: true, type: String }) apiVersion!: string | null;
  @ApiProperty({ description: 'Register the orders/create, orders/updated and orders/cancelled webhooks (JSON) to this URL' }) webhookUrl!: string;
}

export class OrderMoneyDto {
  @ApiProperty({ example: '12.00' }) amount!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
}

export class OrderLineItemDto {
  @ApiProperty({ example: 'gid://shopify/LineItem/1001' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) sku!: string | null;
  @ApiProperty({ description: 'As ordered' }) quantity!: number;
  @ApiProperty({ description: 'After edits and removals' }) currentQuantity!: number;
  @ApiProperty({ description: 'Not shipped yet: only these units can be edited' }) unfulfilledQuantity!: number;
  @ApiProperty({ example: '10.00' }) unitPrice!: string;
}

export class OrderDto {
  @ApiProperty({ example: 'gid://shopify/Order/1001', description: "Shopify's GraphQL id" }) id!: string;
  @ApiProperty({ example: '#1001', description: 'The order number as the shop shows it' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) profileId!: string | null;
  @ApiProperty({ nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'PAID' }) financialStatus!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'UNFULFILLED' }) fulfillmentStatus!: string | null;
  @ApiProperty({ type: OrderMoneyDto }) total!: OrderMoneyDto;
  @ApiProperty({ type: [OrderLineItemDto] }) lineItems!: OrderLineItemDto[];
  @ApiProperty({ format: 'date-time', description: "Shopify's updatedAt of the stored copy" }) shopifyUpdatedAt!: string;
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) orders!: OrderDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class OrderPageQuery {
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 }) @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class LineItemQuantityBody {
  @ApiProperty({ example: 'gid://shopify/LineItem/1001' }) @IsString() @Matches(/^gid:\/\/shopify\/LineItem\/\d+$/, { message: 'lineItemId must be a gid://shopify/LineItem/<id>' }) lineItemId!: string;
  @ApiProperty({ minimum: 0, description: '0 removes the item' }) @IsInt() @Min(0) @Max(100000) quantity!: number;
}

export class OrderEditBody {
  @ApiPropertyOptional({ description: 'The ticket the edit is made from: its events record the outcome' }) @Omittable() @IsString() @MaxLength(200) ticketId?: string;
  @ApiProperty({ type: [LineItemQuantityBody] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LineItemQuantityBody)
  lineItems!: LineItemQuantityBody[];
  @ApiPropertyOptional({ default: true }) @Omittable() @IsBoolean() notifyCustomer?: boolean;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(1000) staffNote?: string;
}

export class StoreCreditRefundBody {
  @ApiPropertyOptional({ format: 'date-time' }) @Omittable() @IsDateTime() expiresAt?: string;
}

export class RefundMethodBody {
  @ApiPropertyOptional() @Omittable() @IsBoolean() originalPaymentMethodsRefund?: boolean;
  @ApiPropertyOptional({ type: StoreCreditRefundBody }) @Omittable() @IsObject() @ValidateNested() @Type(() => StoreCreditRefundBody) storeCreditRefund?: StoreCreditRefundBody;
}

export class OrderCancelBody {
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(200) ticketId?: string;
  @ApiProperty({ enum: CANCEL_REASONS }) @IsIn(CANCEL_REASONS) reason!: (typeof CANCEL_REASONS)[number];
  @ApiProperty() @IsBoolean() restock!: boolean;
  @ApiPropertyOptional({ type: RefundMethodBody, description: 'Left out: nothing is refunded' }) @Omittable() @IsObject() @ValidateNested() @Type(() => RefundMethodBody) refundMethod?: RefundMethodBody;
  @ApiPropertyOptional({ default: true }) @Omittable() @IsBoolean() notifyCustomer?: boolean;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(1000) staffNote?: string;
}

export class OrderOperationDto {
  @ApiProperty({ example: 'opr-…' }) id!: string;
  @ApiProperty({ enum: ['edit', 'cancel'] }) kind!: 'edit' | 'cancel';
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ nullable: true, type: String }) ticketId!: string | null;
  @ApiProperty({ type: Object }) request!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Object, description: '{ message, orderUpdatedAt } once finished' }) result!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrderEditResultDto {
  @ApiProperty() operationId!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: OrderDto, nullable: true }) order!: OrderDto | null;
}

export class OperationAcceptedDto {
  @ApiProperty() operationId!: string;
}

export class SyncAcceptedDto {
  @ApiProperty() workflowId!: string;
}
